"""Reads of the audit trail: a project's "Geschiedenis" and the history of one object.

Each event row is a snapshot of the object after an insert or update (before a delete);
what changed is the difference with the previous snapshot of the same object. That diff
is computed here, in Python, so the page works on every database (pghistory's ``Events``
aggregate and its ``pgh_diff`` are PostgreSQL-only SQL).

Query budget, whatever the number of events: one count and one page of keys over the
event tables (a ``UNION ALL``); per event table on the page one query for its events and
their previous snapshots; one query per kind of row the page refers to (users,
departments, procedures, parties, milestones, ...) for their names, and one for whose
contact persons the viewer may see by name.

Contact persons are named only to those who may see them (the rule of
``stakeholders.selectors.may_see_contact_details``); others read "contactpersoon". An
erased person's events no longer point to them at all (``contact_erase``).

On SQLite the history holds single-object saves and deletes only; bulk writes are
recorded on PostgreSQL (see ``web/history.py``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models import (
    Agreement,
    DepartmentInvolvement,
    FollowUp,
    FrictionPoint,
    FrictionUpdate,
    Interaction,
    InteractionParticipant,
    Milestone,
    ProcedureStep,
    Project,
    StakeholderInvolvement,
)
from projects.selectors.partners import ContactVisibility, contact_visibility
from stakeholders.models import Contact

AnyUser = AbstractBaseUser | AnonymousUser

PAGE_SIZE = 50

# Who wrote when no person did: the ``actor`` in the context of a job.
ACTORS = {
    "friction_scan": _("knelpuntenscan"),
    "contact_purge": _("bewaartermijn contactpersonen"),
}
ACTIONS = {"insert": _("aangemaakt"), "update": _("gewijzigd"), "delete": _("verwijderd")}
# A row is named by these fields of its snapshot (the first one present), or by its title.
SUBJECT_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    DepartmentInvolvement: ("department",),
    StakeholderInvolvement: ("stakeholder",),
    ProcedureStep: ("procedure", "milestone"),
    FrictionUpdate: ("kind", "friction_point"),
    Interaction: ("kind", "stakeholder", "date"),
    InteractionParticipant: ("contact", "staff", "interaction"),
    FollowUp: ("description",),
}
# Plain text columns that hold a value of another field's choices.
CHOICES: dict[tuple[type[models.Model], str], list] = {
    (FrictionUpdate, "old_status"): FrictionPoint.Status.choices,
    (FrictionUpdate, "new_status"): FrictionPoint.Status.choices,
}
HIDDEN_CONTACT = _("contactpersoon")
ERASED_PERSON = pgettext_lazy("erased contact", "verwijderde persoon")
EMPTY = "—"


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    """One event as the page shows it."""

    at: dt.datetime
    who: str
    label: str  # insert, update or delete
    action: str
    kind: str
    subject: str
    changes: tuple[Change, ...] = ()
    # An update of a row whose earlier state predates the audit trail.
    previous_unknown: bool = False


@dataclass
class _Source:
    event_model: type[models.Model]
    where: Q
    hidden: frozenset[str] = frozenset()

    @property
    def tracked(self) -> type[models.Model]:
        return self.event_model.pgh_tracked_model


@dataclass
class _Loaded:
    """One event with its previous snapshot, before names are looked up."""

    source: _Source
    event: Any
    previous: Any | None
    fields: list[models.Field] = field(default_factory=list)

    @cached_property
    def diff(self) -> tuple[list[tuple[models.Field, Any, Any]], bool]:
        """``_changed`` once per event (the names and the entry both need it)."""
        return _changed(self)


def event_model_of(model: type[models.Model]) -> type[models.Model]:
    return model.pgh_event_model


def project_history(*, project: Project, viewer: AnyUser, page: int | str | None = 1) -> Page:
    """The history of the project, its involvements, milestones, procedure steps, friction
    points with their timelines, contact moments (with who took part and the follow-ups)
    and agreements, newest first, ``PAGE_SIZE`` entries (``HistoryEntry``) a page, as
    ``viewer`` may read it. Rows of children are found by the project in their snapshot
    (or their parent's), so deleted ones stay."""
    pk = project.pk
    parent = frozenset({"project"})
    milestones = _of_project(Milestone, "milestone_id", pk)
    interactions = _of_project(Interaction, "interaction_id", pk)
    sources = [
        _Source(event_model_of(Project), Q(pgh_obj_id=pk)),
        _Source(event_model_of(DepartmentInvolvement), Q(project_id=pk), parent),
        _Source(event_model_of(StakeholderInvolvement), Q(project_id=pk), parent),
        _Source(event_model_of(Milestone), Q(project_id=pk), parent),
        _Source(event_model_of(ProcedureStep), milestones),
        _Source(event_model_of(FrictionPoint), Q(project_id=pk), parent),
        _Source(
            event_model_of(FrictionUpdate), _of_project(FrictionPoint, "friction_point_id", pk)
        ),
        _Source(event_model_of(Interaction), Q(project_id=pk), parent),
        _Source(event_model_of(InteractionParticipant), interactions),
        _Source(event_model_of(FollowUp), interactions),
        _Source(event_model_of(Agreement), Q(project_id=pk), parent),
    ]
    return _history_page(sources, page, viewer)


def friction_point_history(
    *, point: FrictionPoint, viewer: AnyUser, page: int | str | None = 1
) -> Page:
    """A friction point with its timeline entries (the admin's "Geschiedenis")."""
    sources = [
        _Source(event_model_of(FrictionPoint), Q(pgh_obj_id=point.pk)),
        _Source(event_model_of(FrictionUpdate), Q(friction_point_id=point.pk)),
    ]
    return _history_page(sources, page, viewer)


def interaction_history(
    *, interaction: Interaction, viewer: AnyUser, page: int | str | None = 1
) -> Page:
    """A contact moment with who took part and its follow-ups (the admin's "Geschiedenis")."""
    children = Q(interaction_id=interaction.pk)
    sources = [
        _Source(event_model_of(Interaction), Q(pgh_obj_id=interaction.pk)),
        _Source(event_model_of(InteractionParticipant), children),
        _Source(event_model_of(FollowUp), children),
    ]
    return _history_page(sources, page, viewer)


def object_history(obj: models.Model, *, viewer: AnyUser, page: int | str | None = 1) -> Page:
    """The history of one tracked row (the admin's "Geschiedenis")."""
    return _history_page([_Source(event_model_of(type(obj)), Q(pgh_obj_id=obj.pk))], page, viewer)


# --- the machinery ---------------------------------------------------------------------------


def audit_trail(obj: models.Model, *, viewer: AnyUser, page: int | str | None = 1) -> Page:
    """The admin's "Geschiedenis" of any tracked object (registered with ``web.admin``): a
    project's shows everything on it too, a friction point's its timeline entries, a
    contact moment's who took part and its follow-ups."""
    if isinstance(obj, Project):
        return project_history(project=obj, viewer=viewer, page=page)
    if isinstance(obj, FrictionPoint):
        return friction_point_history(point=obj, viewer=viewer, page=page)
    if isinstance(obj, Interaction):
        return interaction_history(interaction=obj, viewer=viewer, page=page)
    return object_history(obj, viewer=viewer, page=page)


def _of_project(parent: type[models.Model], field_name: str, project_pk: int) -> Q:
    """Rows whose ``field_name`` points to a ``parent`` of the project: one that exists or
    one the audit trail remembers (deleted since, or moved to another project)."""
    return Q(
        **{f"{field_name}__in": parent.objects.filter(project_id=project_pk).values("pk")}
    ) | Q(
        **{
            f"{field_name}__in": event_model_of(parent)
            .objects.filter(project_id=project_pk)
            .values("pgh_obj_id")
        }
    )


def _history_page(sources: Sequence[_Source], page: int | str | None, viewer: AnyUser) -> Page:
    keys = [
        source.event_model.objects.filter(source.where)
        .annotate(bb_source=Value(index))
        .values("pgh_id", "pgh_created_at", "bb_source")
        for index, source in enumerate(sources)
    ]
    union = keys[0].union(*keys[1:], all=True) if len(keys) > 1 else keys[0]
    union = union.order_by("-pgh_created_at", "-bb_source", "-pgh_id")
    page_obj = Paginator(union, PAGE_SIZE).get_page(page)
    loaded = _load(sources, list(page_obj.object_list))
    names = _names(loaded, viewer)
    page_obj.object_list = [_entry(item, names) for item in loaded]
    return page_obj


def _load(sources: Sequence[_Source], keys: list[dict[str, Any]]) -> list[_Loaded]:
    """The page's events with, for each, the previous snapshot of the same object: one
    query per event table on the page."""
    wanted: dict[int, list[int]] = defaultdict(list)
    for key in keys:
        wanted[key["bb_source"]].append(key["pgh_id"])
    found: dict[tuple[int, int], _Loaded] = {}
    for index, ids in wanted.items():
        source = sources[index]
        model = source.event_model
        previous_ids = (
            model.objects.filter(pgh_id__in=ids)
            .annotate(
                bb_previous=Subquery(
                    model.objects.filter(
                        pgh_obj_id=OuterRef("pgh_obj_id"), pgh_id__lt=OuterRef("pgh_id")
                    )
                    .order_by("-pgh_id")
                    .values("pgh_id")[:1]
                )
            )
            .values("bb_previous")
        )
        rows = list(model.objects.filter(Q(pgh_id__in=ids) | Q(pgh_id__in=previous_ids)))
        by_object: dict[Any, list[Any]] = defaultdict(list)
        for row in rows:
            by_object[row.pgh_obj_id].append(row)
        fields = _shown_fields(source)
        page_ids = set(ids)
        for row in rows:
            if row.pgh_id not in page_ids:
                continue
            earlier = [other for other in by_object[row.pgh_obj_id] if other.pgh_id < row.pgh_id]
            previous = max(earlier, key=lambda other: other.pgh_id) if earlier else None
            found[(index, row.pgh_id)] = _Loaded(source, row, previous, fields)
    return [found[(key["bb_source"], key["pgh_id"])] for key in keys]


def _shown_fields(source: _Source) -> list[models.Field]:
    """The tracked model's fields a person edits (no id, no automatic bookkeeping) that
    the event table holds."""
    stored = {f.name for f in source.event_model._meta.concrete_fields}
    return [
        f
        for f in source.tracked._meta.concrete_fields
        if f.name in stored and f.editable and not f.primary_key and f.name not in source.hidden
    ]


def _changed(item: _Loaded) -> tuple[list[tuple[models.Field, Any, Any]], bool]:
    """(field, old, new) for what this event changed, and whether the earlier state is
    unknown (an update of a row that existed before the audit trail)."""
    event, previous = item.event, item.previous
    label = event.pgh_label
    if label == "delete":
        return [], False
    if label == "update" and previous is None:
        return [], True
    changes = []
    for f in item.fields:
        new = getattr(event, f.attname)
        old = getattr(previous, f.attname) if previous is not None else None
        if previous is None and _is_empty(new):
            continue
        if old != new:
            changes.append((f, old, new))
    return changes, False


def _subject_fields(item: _Loaded) -> list[models.Field]:
    tracked = item.source.tracked
    names = SUBJECT_FIELDS.get(tracked)
    if names is None:
        names = tuple(n for n in ("title", "name") if _has_field(tracked, n))[:1]
    return [tracked._meta.get_field(name) for name in names]


def _names(loaded: Iterable[_Loaded], viewer: AnyUser) -> dict[type[models.Model], dict[Any, str]]:
    """Names of every row the page refers to: one query per related model."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    user_model = get_user_model()
    for item in loaded:
        context = item.event.pgh_context or {}
        if context.get("user") is not None:
            wanted[user_model].add(context["user"])
        changes, _unknown = item.diff
        relations = [(f, old, new) for f, old, new in changes if f.is_relation]
        subjects = [f for f in _subject_fields(item) if f.is_relation]
        relations += [(f, None, getattr(item.event, f.attname)) for f in subjects]
        for f, old, new in relations:
            for value in (old, new):
                if value is not None:
                    wanted[f.related_model].add(value)
    return {
        model: _contact_labels(ids, contact_visibility(viewer))
        if model is Contact
        else _labels(model, ids)
        for model, ids in wanted.items()
    }


def _contact_labels(ids: set[Any], visibility: ContactVisibility) -> dict[Any, str]:
    """A contact person's name where the viewer may see it, else "contactpersoon"; one
    who is gone was erased."""
    rows = (
        Contact._base_manager.filter(pk__in=ids)
        .order_by()
        .values_list("pk", "name", "stakeholder_id")
    )
    labels = {
        pk: name if visibility.shows(party) else str(HIDDEN_CONTACT) for pk, name, party in rows
    }
    return labels | {pk: str(ERASED_PERSON) for pk in ids - labels.keys()}


def _labels(model: type[models.Model], ids: set[Any]) -> dict[Any, str]:
    """{pk: name}; a deleted row is named by its last snapshot when its model is tracked
    (one more query, only when some row is gone)."""
    rows = model._base_manager.filter(pk__in=ids).order_by()
    if model is get_user_model():
        return {user.pk: user.get_full_name() or user.get_username() for user in rows}
    name = next((n for n in ("name", "title") if _has_field(model, n)), None)
    if name is None:
        # What ``__str__`` may follow: the relations that are always there.
        joins = [f.name for f in model._meta.concrete_fields if f.is_relation and not f.null]
        return {row.pk: str(row) for row in (rows.select_related(*joins) if joins else rows)}
    labels = dict(rows.values_list("pk", name))
    missing = ids - labels.keys()
    if missing and getattr(model, "pgh_event_models", None):
        snapshots = (
            model.pgh_event_model.objects.filter(pgh_obj_id__in=missing)
            .order_by("pgh_obj_id", "pgh_id")
            .values_list("pgh_obj_id", name)
        )
        labels.update(snapshots)  # the latest snapshot of each comes last
    return labels


def _entry(item: _Loaded, names: dict[type[models.Model], dict[Any, str]]) -> HistoryEntry:
    event = item.event
    changes, unknown = item.diff
    parts = [_display(f, getattr(event, f.attname), names) for f in _subject_fields(item)]
    if _is_erased_participant(item):
        parts.insert(0, str(ERASED_PERSON))
    subject = " — ".join(part for part in parts if part != EMPTY)
    return HistoryEntry(
        at=event.pgh_created_at,
        who=_who(event.pgh_context or {}, names),
        label=event.pgh_label,
        action=str(ACTIONS.get(event.pgh_label, event.pgh_label)),
        kind=str(item.source.tracked._meta.verbose_name),
        subject=subject or f"#{event.pgh_obj_id}",
        changes=tuple(
            Change(
                field=str(f.verbose_name),
                old=_display(f, old, names),
                new=_display(f, new, names),
            )
            for f, old, new in changes
        ),
        previous_unknown=unknown,
    )


def _is_erased_participant(item: _Loaded) -> bool:
    """A participant without contact or staff: a contact person who was erased."""
    event = item.event
    return (
        item.source.tracked is InteractionParticipant
        and event.contact_id is None
        and event.staff_id is None
    )


def _who(context: dict[str, Any], names: dict[type[models.Model], dict[Any, str]]) -> str:
    user_id = context.get("user")
    actor = context.get("actor")
    actor_label = str(ACTORS.get(actor, actor)) if actor else ""
    if user_id is not None:
        user = names.get(get_user_model(), {}).get(user_id, str(_("verwijderde gebruiker")))
        return f"{user} ({actor_label})" if actor_label else user
    return actor_label or str(_("systeem"))


def _display(f: models.Field, value: Any, names: dict[type[models.Model], dict[Any, str]]) -> str:
    if _is_empty(value):
        return EMPTY
    if f.is_relation:
        return names.get(f.related_model, {}).get(value, f"#{value}")
    choices = f.flatchoices or CHOICES.get((f.model, f.name))
    if choices:
        return str(dict(choices).get(value, value))
    if isinstance(value, bool):
        return str(_("ja") if value else _("nee"))
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return Truncator(str(value)).chars(160)


def _is_empty(value: Any) -> bool:
    return value is None or value == ""


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)
