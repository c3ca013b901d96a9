"""Writes on the friction log: logging, commenting, status changes, closing, reopening,
editing, archiving and restoring.

Every function locks the friction point row (``select_for_update``) inside one
transaction, checks the business rules against that locked state and records the change
on the point's timeline as a ``FrictionUpdate``. Each write bumps ``last_activity_at``:
the friction engine reads it to decide whether a point has gone quiet ("stil").

Rule violations raise ``django.core.exceptions.ValidationError`` with a dict keyed by the
form field the message belongs to, so a view can put it beside that field. Writes that
replace what a person typed take the ``version`` their form was opened at and raise
``EditConflict`` (projects/services/conflicts.py) when the row has moved on since.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from governance.models import Department, Procedure
from projects.models import FrictionPoint, FrictionUpdate, Project
from projects.services.conflicts import EditConflict

TITLE_MAX_LENGTH = FrictionPoint._meta.get_field("title").max_length
# The statuses a person may set by hand; "gesloten" goes through closing (it needs an
# approach) and "vervallen" is reserved for the friction engine.
MANUAL_STATUSES = (FrictionPoint.Status.OPEN, FrictionPoint.Status.IN_PROGRESS)


def friction_point_log(
    *,
    project: Project,
    author: AbstractBaseUser,
    title: str,
    severity: int,
    departments: Iterable[Department],
    procedure: Procedure | None = None,
    description: str = "",
    category: str = "",
    purpose_question: str = "",
    support_asked: str = "",
) -> FrictionPoint:
    """Log a person's friction point on ``project``.

    Where it chafes is required: at least one department or a procedure. Asking for
    support at logging time starts the commissioner's answer clock
    (``support_requested_at``).
    """
    title = title.strip()
    departments = list(departments)
    errors = _field_errors(
        title=title,
        severity=severity,
        category=category,
        departments=departments,
        procedure=procedure,
        procedure_allowed=procedure is not None and procedure.is_active,
    )
    if support_asked and support_asked not in FrictionPoint.Support.values:
        errors["support_asked"] = _("Kies een bestaande vorm van ondersteuning.")
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        point = FrictionPoint.objects.create(
            project=project,
            author=author,
            title=title,
            severity=severity,
            procedure=procedure,
            description=description.strip(),
            category=category,
            purpose_question=purpose_question.strip(),
            support_asked=support_asked,
            support_requested_at=timezone.now() if support_asked else None,
            source=FrictionPoint.Source.PERSON,
            status=FrictionPoint.Status.OPEN,
        )
        if departments:
            point.departments.set(departments)
    return point


def _field_errors(
    *,
    title: str,
    severity: int,
    category: str,
    departments: list[Department],
    procedure: Procedure | None,
    procedure_allowed: bool,
) -> dict[str, str]:
    """The rules on a point's own fields, shared by logging and editing."""
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Geef het knelpunt een titel.")
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = _("De titel is te lang: maximaal %(max)d tekens.") % {
            "max": TITLE_MAX_LENGTH
        }
    if severity not in FrictionPoint.Severity.values:
        errors["severity"] = _("Kies hoe ernstig het knelpunt is.")
    if category and category not in FrictionPoint.Category.values:
        errors["category"] = _("Kies een bestaande categorie.")
    if not departments and procedure is None:
        errors["departments"] = _(
            "Geef aan waar het wringt: kies een afdeling, een procedure of allebei."
        )
    if procedure is not None and not procedure_allowed:
        errors["procedure"] = _("Deze procedure is niet meer in gebruik.")
    return errors


def friction_point_comment(
    *, point: FrictionPoint, author: AbstractBaseUser, text: str
) -> FrictionUpdate:
    """Add a comment (a ``reactie``) to the timeline; allowed on open and closed points."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Schrijf een reactie.")})
    with transaction.atomic():
        locked = _lock(point)
        update = FrictionUpdate.objects.create(
            friction_point=locked, author=author, kind=FrictionUpdate.Kind.COMMENT, text=text
        )
        _touch(point, locked, fields=[])
    return update


def friction_point_request_support(
    *, point: FrictionPoint, author: AbstractBaseUser, support: str, text: str = ""
) -> FrictionUpdate:
    """Ask the commissioner for support on an open point after it was logged.

    Refused while an earlier request is still unanswered, so asking again cannot reset
    the answer clock that the friction engine escalates on.
    """
    errors: dict[str, str] = {}
    if not support or support not in FrictionPoint.Support.values:
        errors["support_asked"] = _("Kies welke ondersteuning je vraagt.")
    with transaction.atomic():
        locked = _lock(point)
        if not locked.is_open:
            errors["support_asked"] = _(
                "Bij een afgesloten knelpunt kun je geen ondersteuning vragen."
            )
        elif locked.support_pending:
            errors["support_asked"] = _("Er staat al een vraag om ondersteuning open.")
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        label = FrictionPoint.Support(support).label
        summary = _("Ondersteuning gevraagd: %(support)s") % {"support": label}
        update = FrictionUpdate.objects.create(
            friction_point=locked,
            author=author,
            kind=FrictionUpdate.Kind.COMMENT,
            text=f"{summary}\n\n{text.strip()}".strip(),
        )
        locked.support_asked = support
        locked.support_requested_at = now
        locked.support_answered_at = None
        _touch(
            point,
            locked,
            fields=["support_asked", "support_requested_at", "support_answered_at"],
            now=now,
        )
    return update


def friction_point_change_status(
    *,
    point: FrictionPoint,
    author: AbstractBaseUser,
    status: str,
    expected_version: int | None = None,
) -> FrictionUpdate:
    """Move an open point between "open" and "in behandeling".

    Asking "open" for a closed point reopens it (see ``friction_point_reopen``). Closing
    needs an approach, so it goes through ``friction_point_close``; "vervallen" is only
    ever set by the friction engine. With ``expected_version`` (the version the page
    showed) a point changed since then is refused with an ``EditConflict``.
    """
    if status == FrictionPoint.Status.RESOLVED:
        raise ValidationError(
            {"status": _("Alleen het systeem laat een automatische signalering vervallen.")}
        )
    if status == FrictionPoint.Status.CLOSED:
        raise ValidationError(
            {"status": _("Sluit een knelpunt met 'Knelpunt sluiten': dan kies je een aanpak.")}
        )
    if status not in MANUAL_STATUSES:
        raise ValidationError({"status": _("Kies een bestaande status.")})
    with transaction.atomic():
        locked = _lock(point)
        _check_version(locked, expected_version)
        _check_not_archived(locked, "status")
        if locked.status == FrictionPoint.Status.CLOSED and status == FrictionPoint.Status.OPEN:
            return _reopen(point, locked, author=author, reason="")
        if not locked.is_open:
            raise ValidationError({"status": _("Dit knelpunt is afgesloten; heropen het eerst.")})
        if locked.status == status:
            raise ValidationError({"status": _("Het knelpunt heeft deze status al.")})
        old_status = locked.status
        locked.status = status
        update = FrictionUpdate.objects.create(
            friction_point=locked,
            author=author,
            kind=FrictionUpdate.Kind.STATUS,
            old_status=old_status,
            new_status=status,
        )
        _touch(point, locked, fields=["status"])
    return update


def friction_point_close(
    *,
    point: FrictionPoint,
    author: AbstractBaseUser,
    approach: str,
    lesson_learned: str,
    expected_version: int | None = None,
) -> FrictionUpdate:
    """Close an open point with the chosen approach and, for a person's point, the lesson.

    Automatic flags may be closed by people too; their lesson is optional because the
    flag was not anyone's own experience. With ``expected_version`` a point changed since
    the form was opened is refused with an ``EditConflict``.
    """
    lesson_learned = lesson_learned.strip()
    with transaction.atomic():
        locked = _lock(point)
        _check_version(locked, expected_version)
        _check_not_archived(locked, "approach")
        errors: dict[str, str] = {}
        if not locked.is_open:
            errors["approach"] = _("Dit knelpunt is al afgesloten.")
        elif not approach:
            errors["approach"] = _("Kies de aanpak waarmee het knelpunt is opgelost.")
        elif approach not in FrictionPoint.Approach.values:
            errors["approach"] = _("Kies een bestaande aanpak.")
        if not lesson_learned and not locked.is_automatic and "approach" not in errors:
            errors["lesson_learned"] = _("Schrijf op wat je hiervan geleerd hebt.")
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        old_status = locked.status
        locked.status = FrictionPoint.Status.CLOSED
        locked.approach = approach
        locked.lesson_learned = lesson_learned
        locked.closed_at = now
        text = _("Aanpak: %(approach)s") % {"approach": FrictionPoint.Approach(approach).label}
        if lesson_learned:
            text += "\n" + _("Geleerde les: %(lesson)s") % {"lesson": lesson_learned}
        update = FrictionUpdate.objects.create(
            friction_point=locked,
            author=author,
            kind=FrictionUpdate.Kind.STATUS,
            old_status=old_status,
            new_status=FrictionPoint.Status.CLOSED,
            text=text,
        )
        _touch(point, locked, fields=["status", "approach", "lesson_learned", "closed_at"], now=now)
    return update


def friction_point_reopen(
    *, point: FrictionPoint, author: AbstractBaseUser, reason: str = ""
) -> FrictionUpdate:
    """Reopen a closed point: status back to open, approach and lesson cleared from the
    point but kept on the timeline in the update's text."""
    with transaction.atomic():
        locked = _lock(point)
        return _reopen(point, locked, author=author, reason=reason.strip())


def _reopen(
    point: FrictionPoint, locked: FrictionPoint, *, author: AbstractBaseUser, reason: str
) -> FrictionUpdate:
    if locked.status != FrictionPoint.Status.CLOSED:
        raise ValidationError({"status": _("Alleen een gesloten knelpunt kun je heropenen.")})
    if (
        locked.is_automatic
        and locked.milestone_id is not None
        and FrictionPoint.objects.filter(
            source=FrictionPoint.Source.AUTOMATIC,
            milestone_id=locked.milestone_id,
            procedure_id=locked.procedure_id,
            status__in=FrictionPoint.OPEN_STATUSES,
        )
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise ValidationError(
            {
                "status": _(
                    "Er staat al een nieuwe signalering open voor deze mijlpaal en procedure."
                )
            }
        )
    lines = [_("Heropend.")]
    if locked.approach:
        label = FrictionPoint.Approach(locked.approach).label
        lines.append(_("Eerdere aanpak: %(approach)s") % {"approach": label})
    if locked.lesson_learned:
        lines.append(_("Eerdere geleerde les: %(lesson)s") % {"lesson": locked.lesson_learned})
    if reason:
        lines.append(reason)
    update = FrictionUpdate.objects.create(
        friction_point=locked,
        author=author,
        kind=FrictionUpdate.Kind.STATUS,
        old_status=FrictionPoint.Status.CLOSED,
        new_status=FrictionPoint.Status.OPEN,
        text="\n".join(lines),
    )
    locked.status = FrictionPoint.Status.OPEN
    locked.approach = ""
    locked.lesson_learned = ""
    locked.closed_at = None
    _touch(point, locked, fields=["status", "approach", "lesson_learned", "closed_at"])
    return update


def friction_point_edit(
    *,
    point: FrictionPoint,
    editor: AbstractBaseUser,
    expected_version: int | None,
    title: str,
    severity: int,
    departments: Iterable[Department],
    procedure: Procedure | None = None,
    description: str = "",
    category: str = "",
    purpose_question: str = "",
) -> FrictionUpdate | None:
    """Change a person's point: its title, where it chafes, severity, description,
    category and purpose question. Returns the timeline entry, or None when nothing
    changed.

    The row is locked and its ``version`` compared with ``expected_version`` (the version
    the form was opened at): when someone else saved in between, nothing is written and an
    ``EditConflict`` is raised. The timeline entry keeps the earlier values, so an edit
    never loses what was there. Automatic flags are kept up to date by the friction
    engine and archived points are read-only; both are refused. A procedure that is no
    longer in use may stay on the point but cannot be chosen anew.
    """
    title = title.strip()
    description = description.strip()
    purpose_question = purpose_question.strip()
    departments = list(departments)
    errors = _field_errors(
        title=title,
        severity=severity,
        category=category,
        departments=departments,
        procedure=procedure,
        procedure_allowed=procedure is not None
        and (procedure.is_active or procedure.pk == point.procedure_id),
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(point)
        _check_version(locked, expected_version)
        _check_not_archived(locked, None)
        if locked.is_automatic:
            raise ValidationError(
                _(
                    "Een automatische signalering werkt het systeem zelf bij. Je kunt wel "
                    "reageren of het knelpunt sluiten."
                )
            )
        old_departments = list(locked.departments.order_by("name"))
        new_values = {
            "title": title,
            "severity": severity,
            "procedure": procedure,
            "description": description,
            "category": category,
            "purpose_question": purpose_question,
        }
        changed = [name for name, value in new_values.items() if getattr(locked, name) != value]
        departments_changed = {d.pk for d in old_departments} != {d.pk for d in departments}
        if not changed and not departments_changed:
            return None
        lines = [_("Knelpunt bewerkt.")]
        for name in changed:
            lines.append(_earlier_value(locked, name))
        if departments_changed:
            earlier = ", ".join(d.name for d in old_departments) or _("geen")
            lines.append(_("Eerdere afdelingen: %(value)s") % {"value": earlier})
        update = FrictionUpdate.objects.create(
            friction_point=locked,
            author=editor,
            kind=FrictionUpdate.Kind.EDITED,
            text="\n".join(lines),
        )
        for name in changed:
            setattr(locked, name, new_values[name])
        if departments_changed:
            locked.departments.set(departments)
        _touch(point, locked, fields=changed)
    return update


def _earlier_value(point: FrictionPoint, name: str) -> str:
    """One line for the timeline: what a field said before an edit."""
    field = FrictionPoint._meta.get_field(name)
    if name == "procedure":
        value = point.procedure.name if point.procedure_id else ""
    elif field.choices:
        value = getattr(point, f"get_{name}_display")()
    else:
        value = getattr(point, name)
    return _("Eerder (%(field)s): %(value)s") % {
        "field": field.verbose_name,
        "value": value or _("leeg"),
    }


def friction_point_archive(*, point: FrictionPoint, author: AbstractBaseUser) -> FrictionUpdate:
    """Put a point in the archive instead of deleting it: it leaves the open lists, the
    dashboards and the counts, stays on the project's log under the archive filter and
    at its own address, read-only, until it is restored. Recorded on its timeline."""
    with transaction.atomic():
        locked = _lock(point)
        if locked.archived_at is not None:
            raise ValidationError(_("Dit knelpunt staat al in het archief."))
        now = timezone.now()
        locked.archived_at = now
        update = FrictionUpdate.objects.create(
            friction_point=locked,
            author=author,
            kind=FrictionUpdate.Kind.ARCHIVE,
            text=_("Gearchiveerd."),
        )
        _touch(point, locked, fields=["archived_at"], now=now)
    return update


def friction_point_restore(*, point: FrictionPoint, author: AbstractBaseUser) -> FrictionUpdate:
    """Take a point out of the archive, with the status it had; recorded on its timeline."""
    with transaction.atomic():
        locked = _lock(point)
        if locked.archived_at is None:
            raise ValidationError(_("Dit knelpunt staat niet in het archief."))
        locked.archived_at = None
        update = FrictionUpdate.objects.create(
            friction_point=locked,
            author=author,
            kind=FrictionUpdate.Kind.ARCHIVE,
            text=_("Uit het archief teruggezet."),
        )
        _touch(point, locked, fields=["archived_at"])
    return update


def _lock(point: FrictionPoint) -> FrictionPoint:
    """The point's row, locked until the end of the caller's transaction."""
    return FrictionPoint.objects.select_for_update().get(pk=point.pk)


def _check_version(locked: FrictionPoint, expected_version: int | None) -> None:
    """Refuse when the locked row is no longer the version the person's form showed."""
    if expected_version is not None and locked.version != expected_version:
        raise EditConflict(friction_point_conflict_message(locked))


def _check_not_archived(locked: FrictionPoint, field: str | None) -> None:
    if locked.archived_at is not None:
        message = _("Dit knelpunt staat in het archief. Zet het eerst terug om het te wijzigen.")
        raise ValidationError({field: message} if field else message)


def friction_point_conflict_message(point: FrictionPoint) -> str:
    """Who changed the point last and when, as far as the timeline tells.

    Every write through these services adds a timeline entry in the same transaction as
    the save, so an entry made within seconds of ``updated_at`` names the person; a
    correction in the admin leaves no entry, and then no name is given.
    """
    when = date_format(timezone.localtime(point.updated_at), "j F Y, H:i")
    latest = (
        FrictionUpdate.objects.filter(friction_point_id=point.pk)
        .select_related("author")
        .order_by("-created_at", "-pk")
        .first()
    )
    who = ""
    if latest is not None and abs(latest.created_at - point.updated_at) <= timedelta(seconds=5):
        if latest.author is not None:
            who = latest.author.get_full_name() or latest.author.get_username()
        else:
            who = _("Het systeem (automatische signalering)")
    if who:
        first = _("%(who)s heeft dit knelpunt gewijzigd op %(when)s, nadat je het opende.")
    else:
        first = _("Iemand anders heeft dit knelpunt gewijzigd op %(when)s, nadat je het opende.")
    first %= {"who": who, "when": when}
    return f"{first} " + _("Er is niets opgeslagen; hieronder zie je hoe het er nu voor staat.")


def _touch(
    point: FrictionPoint,
    locked: FrictionPoint,
    *,
    fields: list[str],
    now: datetime | None = None,
) -> None:
    """Save ``fields`` plus the activity bookkeeping, and mirror them on the caller's
    instance so it reflects what is now in the database."""
    locked.last_activity_at = now or timezone.now()
    locked.stale_since = None
    locked.version += 1
    all_fields = [*fields, "last_activity_at", "stale_since", "version", "updated_at"]
    locked.save(update_fields=all_fields)
    for name in all_fields:
        setattr(point, name, getattr(locked, name))
