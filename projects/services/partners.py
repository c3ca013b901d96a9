"""Writes about the outside: contact moments with their follow-ups, agreements (and the
milestone an agreement can become), merging duplicate parties, and a contact person's
right to see what is stored about them (and the projects' part of erasing it; the
erasure itself is ``stakeholders.erasure.contact_erase``).

These live in ``projects`` because they touch projects' rows (involvements, milestones,
contact moments), which the ``stakeholders`` leaf may not import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import (
    Agreement,
    FollowUp,
    Interaction,
    InteractionParticipant,
    Milestone,
    Project,
    StakeholderInvolvement,
)
from projects.permissions import Action, can, may_log_party_contact, may_update_follow_up
from projects.services.rescan import rescan_enqueue
from stakeholders.models import Contact, Stakeholder
from stakeholders.services import stakeholder_delete


@dataclass(frozen=True)
class FollowUpInput:
    description: str
    owner: AbstractBaseUser
    due_date: dt.date


# --- contact moments -----------------------------------------------------------------------


def _check_may_log(*, author: AbstractBaseUser, project: Project | None) -> None:
    if project is not None:
        if not can(author, Action.CONTRIBUTE, project):
            raise PermissionDenied
    elif not may_log_party_contact(author):
        raise PermissionDenied


def _check_party_active(stakeholder: Stakeholder) -> None:
    """An archived party is read-only: no new contact moments or agreements with it."""
    if stakeholder.is_archived:
        raise ValidationError(
            {
                "stakeholder": _("%(party)s staat in het archief. Zet de partij eerst terug.")
                % {"party": stakeholder.name}
            }
        )


def interaction_log(
    *,
    author: AbstractBaseUser,
    stakeholder: Stakeholder,
    kind: str,
    date: dt.date,
    summary: str,
    project: Project | None = None,
    contacts: Sequence[Contact] = (),
    staff: Sequence[AbstractBaseUser] = (),
    follow_ups: Sequence[FollowUpInput] = (),
) -> Interaction:
    """Log a contact moment with a party, on a project (the author must be allowed to
    contribute to it, and the party must be involved) or with the party as such (a
    Projectleider, Bureauhoofd or Beheerder). The author takes part; ``contacts`` must be
    the party's own contact persons."""
    _check_may_log(author=author, project=project)
    _check_party_active(stakeholder)
    summary = summary.strip()
    if not summary:
        raise ValidationError({"summary": _("Vat in een paar woorden samen wat er besproken is.")})
    if date > timezone.localdate():
        raise ValidationError(
            {"date": _("Een contactmoment heeft al plaatsgevonden: kies vandaag of eerder.")}
        )
    if kind not in Interaction.Kind.values:
        raise ValidationError({"kind": _("Kies een soort contact uit de lijst.")})
    if (
        project is not None
        and not project.stakeholder_involvements.filter(stakeholder=stakeholder).exists()
    ):
        raise ValidationError(
            {"stakeholder": _("%(party)s is geen partij in dit project.") % {"party": stakeholder}}
        )
    for contact in contacts:
        if contact.stakeholder_id != stakeholder.pk:
            raise ValidationError(
                {
                    "contacts": _("%(name)s is geen contactpersoon van %(party)s.")
                    % {"name": contact.name, "party": stakeholder.name}
                }
            )
    for follow_up in follow_ups:
        if not follow_up.description.strip():
            raise ValidationError({"follow_up": _("Beschrijf de vervolgactie.")})
    with transaction.atomic():
        interaction = Interaction.objects.create(
            project=project,
            stakeholder=stakeholder,
            kind=kind,
            date=date,
            summary=summary,
            author=author,
        )
        people = {author.pk: author, **{person.pk: person for person in staff}}
        # Row by row, not in bulk: a handful of rows, and so the audit trail records them
        # on SQLite too (its fallback sees single saves only, web/history.py).
        for contact in {contact.pk: contact for contact in contacts}.values():
            InteractionParticipant.objects.create(interaction=interaction, contact=contact)
        for person in people.values():
            InteractionParticipant.objects.create(interaction=interaction, staff=person)
        for follow_up in follow_ups:
            FollowUp.objects.create(
                interaction=interaction,
                description=follow_up.description.strip(),
                owner=follow_up.owner,
                due_date=follow_up.due_date,
            )
    return interaction


def follow_up_set_done(*, follow_up: FollowUp, actor: AbstractBaseUser, done: bool) -> FollowUp:
    """Tick a follow-up off, or open it again."""
    if not may_update_follow_up(actor, follow_up):
        raise PermissionDenied
    follow_up.is_done = done
    follow_up.done_at = timezone.now() if done else None
    follow_up.save(update_fields=["is_done", "done_at"])
    return follow_up


# --- agreements ----------------------------------------------------------------------------


def agreement_record(
    *,
    author: AbstractBaseUser,
    project: Project,
    stakeholder: Stakeholder,
    title: str,
    owed_by: str,
    due_date: dt.date,
    description: str = "",
) -> Agreement:
    """Record what was promised to or by a party of the project."""
    if not can(author, Action.CONTRIBUTE, project):
        raise PermissionDenied
    _check_party_active(stakeholder)
    if not project.stakeholder_involvements.filter(stakeholder=stakeholder).exists():
        raise ValidationError(
            {"stakeholder": _("%(party)s is geen partij in dit project.") % {"party": stakeholder}}
        )
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("Beschrijf kort wat er is afgesproken.")})
    if owed_by not in Agreement.OwedBy.values:
        raise ValidationError({"owed_by": _("Kies wie de afspraak moet nakomen.")})
    return Agreement.objects.create(
        project=project,
        stakeholder=stakeholder,
        title=title,
        owed_by=owed_by,
        due_date=due_date,
        description=description.strip(),
        author=author,
    )


def agreement_set_status(
    *, agreement: Agreement, actor: AbstractBaseUser, status: str
) -> Agreement:
    if not can(actor, Action.CONTRIBUTE, agreement.project):
        raise PermissionDenied
    if status not in Agreement.Status.values:
        raise ValidationError({"status": _("Kies een status uit de lijst.")})
    agreement.status = status
    agreement.save(update_fields=["status", "updated_at"])
    return agreement


def agreement_make_milestone(
    *, agreement: Agreement, actor: AbstractBaseUser
) -> tuple[Milestone, bool]:
    """Turn an open agreement that we owe into a milestone of its project (its date and
    title) and ask the friction engine to rescan the project. Idempotent: when the
    agreement has a milestone already, that one is returned (``created`` False).

    Concurrency: the agreement row is locked, so of two clicks at once the second waits
    and then finds the milestone of the first.
    """
    if not can(actor, Action.EDIT, agreement.project):
        raise PermissionDenied
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.milestone_id is not None:
            milestone = Milestone.objects.get(pk=locked.milestone_id)
            agreement.milestone = milestone
            return milestone, False
        if not locked.may_become_milestone:
            raise ValidationError(
                _("Alleen een open afspraak die de gemeente moet nakomen wordt een mijlpaal.")
            )
        milestone = Milestone.objects.create(
            project_id=locked.project_id,
            title=locked.title,
            kind=Milestone.Kind.OTHER,
            date=locked.due_date,
            description=_("Afspraak met %(party)s.") % {"party": agreement.stakeholder.name},
        )
        locked.milestone = milestone
        locked.save(update_fields=["milestone", "updated_at"])
        agreement.milestone = milestone
        rescan_enqueue(project_ids=[locked.project_id])
    return milestone, True


# --- merging duplicate parties ---------------------------------------------------------------


@dataclass
class MergeResult:
    keep: Stakeholder
    moved_involvements: int = 0
    combined: list[str] = field(default_factory=list)  # one line per project in both
    moved_contacts: int = 0
    moved_interactions: int = 0
    moved_agreements: int = 0


def _log(*, actor: AbstractBaseUser, obj: Any, flag: int, message: str) -> None:
    LogEntry.objects.log_actions(
        user_id=actor.pk, queryset=[obj], action_flag=flag, change_message=message
    )


def stakeholder_merge(
    *, keep: Stakeholder, remove: Stakeholder, actor: AbstractBaseUser
) -> MergeResult:
    """Merge ``remove`` into ``keep``: every involvement, contact person, contact moment
    and agreement moves over, then ``remove`` is deleted (``stakeholder_delete``). Where
    both are in the same project the involvements are combined into ``keep``'s, with the
    higher influence and interest. Both parties get an entry in the admin history saying
    what happened.

    Both party rows are locked for the merge, so two merges of the same parties run one
    after the other (the second finds ``remove`` gone).
    """
    if keep.pk == remove.pk:
        raise ValidationError(_("Kies twee verschillende partijen om samen te voegen."))
    with transaction.atomic():
        locked = {
            party.pk: party
            for party in Stakeholder.objects.select_for_update().filter(pk__in=[keep.pk, remove.pk])
        }
        if len(locked) != 2:
            raise ValidationError(_("Een van de partijen bestaat niet meer."))
        keep, remove = locked[keep.pk], locked[remove.pk]
        result = MergeResult(keep=keep)

        kept = {i.project_id: i for i in StakeholderInvolvement.objects.filter(stakeholder=keep)}
        for involvement in StakeholderInvolvement.objects.filter(stakeholder=remove).select_related(
            "project"
        ):
            twin = kept.get(involvement.project_id)
            if twin is None:
                continue
            before = (twin.influence, twin.interest)
            twin.influence = max(twin.influence, involvement.influence)
            twin.interest = max(twin.interest, involvement.interest)
            twin.save(update_fields=["influence", "interest"])
            result.combined.append(
                _(
                    "%(project)s: beide partijen betrokken; invloed %(old_influence)s en "
                    "%(other_influence)s werd %(influence)s, belang %(old_interest)s en "
                    "%(other_interest)s werd %(interest)s"
                )
                % {
                    "project": involvement.project.title,
                    "old_influence": before[0],
                    "other_influence": involvement.influence,
                    "influence": twin.influence,
                    "old_interest": before[1],
                    "other_interest": involvement.interest,
                    "interest": twin.interest,
                }
            )
            involvement.delete()
        result.moved_involvements = StakeholderInvolvement.objects.filter(
            stakeholder=remove
        ).update(stakeholder=keep)
        result.moved_contacts = Contact.objects.filter(stakeholder=remove).update(stakeholder=keep)
        result.moved_interactions = Interaction.objects.filter(stakeholder=remove).update(
            stakeholder=keep
        )
        result.moved_agreements = Agreement.objects.filter(stakeholder=remove).update(
            stakeholder=keep
        )
        filled = []
        for name in ("description", "website"):
            if not getattr(keep, name) and getattr(remove, name):
                setattr(keep, name, getattr(remove, name))
                filled.append(name)
        if filled:
            keep.save(update_fields=[*filled, "updated_at"])

        summary = _(
            "%(involvements)s betrokkenheden, %(contacts)s contactpersonen, "
            "%(interactions)s contactmomenten en %(agreements)s afspraken overgenomen."
        ) % {
            "involvements": result.moved_involvements,
            "contacts": result.moved_contacts,
            "interactions": result.moved_interactions,
            "agreements": result.moved_agreements,
        }
        combined = (
            " " + _("Samengevoegd per project: %(list)s.") % {"list": "; ".join(result.combined)}
            if result.combined
            else ""
        )
        _log(
            actor=actor,
            obj=keep,
            flag=CHANGE,
            message=_("Partij “%(name)s” (nr. %(pk)s) is hierin opgegaan. ")
            % {"name": remove.name, "pk": remove.pk}
            + summary
            + combined,
        )
        # Every contact person moved over; should one have arrived meanwhile, the
        # deletion erases them rather than leave them behind.
        stakeholder_delete(
            stakeholder=remove,
            actor=actor,
            reason=_("Samengevoegd met “%(name)s” (nr. %(pk)s) en daarna verwijderd. ")
            % {"name": keep.name, "pk": keep.pk}
            + summary
            + combined,
        )
    return result


# --- a contact person's data: access and erasure -----------------------------------------------


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def contact_export(*, contact: Contact, actor: AbstractBaseUser) -> dict[str, Any]:
    """Everything stored about one contact person, for a request to see it: the contact
    fields, their audit trail (each recorded version of those fields), the contact
    moments they took part in and the follow-ups agreed there. The export is noted in
    the admin history (without the data itself)."""
    participations = (
        InteractionParticipant.objects.filter(contact=contact)
        .select_related("interaction__project", "interaction__stakeholder")
        .prefetch_related("interaction__follow_ups__owner")
        .order_by("interaction__date", "interaction__pk")
    )
    interactions = []
    for participation in participations:
        interaction = participation.interaction
        interactions.append(
            {
                "date": _iso(interaction.date),
                "kind": interaction.get_kind_display(),
                "party": interaction.stakeholder.name,
                "project": interaction.project.title if interaction.project else None,
                "summary": interaction.summary,
                "follow_ups": [
                    {
                        "description": follow_up.description,
                        "owner": follow_up.owner.get_full_name() or follow_up.owner.username,
                        "due_date": _iso(follow_up.due_date),
                        "done": follow_up.is_done,
                    }
                    for follow_up in interaction.follow_ups.all()
                ],
            }
        )
    data = {
        "exported_at": timezone.now().isoformat(),
        "contact": {
            "id": contact.pk,
            "name": contact.name,
            "organisation": contact.stakeholder.name,
            "role": contact.role,
            "email": contact.email,
            "phone": contact.phone,
            "created_at": _iso(contact.created_at),
        },
        "history": [
            {
                "at": _iso(event.pgh_created_at),
                "event": event.pgh_label,
                "name": event.name,
                "role": event.role,
                "email": event.email,
                "phone": event.phone,
            }
            for event in Contact.pgh_event_model.objects.filter(pgh_obj_id=contact.pk).order_by(
                "pgh_created_at", "pgh_id"
            )
        ],
        "interactions": interactions,
    }
    _log(
        actor=actor,
        obj=contact,
        flag=CHANGE,
        message=_("Alle gegevens van deze contactpersoon zijn geëxporteerd (inzageverzoek)."),
    )
    return data


def contact_participations_erase(contact: Contact) -> None:
    """The projects' part of erasing a contact person (``stakeholders.erasure``, which
    calls this before it deletes the row): in the contact moments they took part in a
    stand-in stays ("verwijderde persoon"), so nothing else is lost, and the audit trail's
    events of those participations no longer point to them (their number would still link
    the erased person to these contact moments)."""
    InteractionParticipant.objects.filter(contact=contact).update(
        contact=None, erased_at=timezone.now()
    )
    InteractionParticipant.pgh_event_model.objects.filter(contact_id=contact.pk).update(
        contact_id=None
    )
