"""Writes for the register of external parties and their contact persons.

Parties are archived, not deleted (``stakeholder_archive``): an archived party is
read-only. Where a deletion remains (merging duplicates, a party nothing refers to),
``stakeholder_delete`` erases every contact person first. Erasing a contact person is
``stakeholders.erasure.contact_erase``; merging two parties touches the projects'
involvements, so it lives in ``projects.services.partners``.
"""

from __future__ import annotations

from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from stakeholders.erasure import contact_erase
from stakeholders.models import Contact, Stakeholder
from stakeholders.selectors import stakeholder_by_name
from stakeholders.similarity import similar_stakeholders
from web.audit_log import security_event


def _clean_name(name: str) -> str:
    return " ".join(name.split())


def stakeholder_create(
    *,
    name: str,
    kind: str = Stakeholder.Kind.OTHER,
    description: str = "",
    website: str = "",
    allow_similar: bool = True,
) -> Stakeholder:
    """Register a party. Names are unique ignoring case: a duplicate raises a
    ValidationError on ``name`` (also when another request created it a moment ago).
    With ``allow_similar=False`` a name that merely resembles an existing party's (one
    not archived) is refused too (code ``similar``): the person is asked to choose or to confirm."""
    name = _clean_name(name)
    duplicate = _("Er bestaat al een externe partij met de naam “%(name)s”.")
    existing = stakeholder_by_name(name)
    if existing is not None:
        raise ValidationError({"name": duplicate % {"name": existing.name}})
    if not allow_similar and similar_stakeholders(name, limit=1, archived=False):
        raise ValidationError(
            {
                "name": ValidationError(
                    _(
                        "Deze naam lijkt op een partij die al bestaat. Kies die, of bevestig "
                        "dat het een andere partij is."
                    ),
                    code="similar",
                )
            }
        )
    stakeholder = Stakeholder(name=name, kind=kind, description=description, website=website)
    stakeholder.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            stakeholder.save()
    except IntegrityError:
        # Lost a race with a concurrent create of the same name.
        raise ValidationError({"name": duplicate % {"name": name}}) from None
    return stakeholder


def _check_not_archived(stakeholder: Stakeholder) -> None:
    if stakeholder.is_archived:
        raise ValidationError(
            _("%(party)s staat in het archief en kan niet worden gewijzigd.")
            % {"party": stakeholder.name}
        )


def contact_create(
    *, stakeholder: Stakeholder, name: str, role: str = "", email: str = "", phone: str = ""
) -> Contact:
    """Add a contact person: only what working together needs. Not to an archived party."""
    _check_not_archived(stakeholder)
    contact = Contact(
        stakeholder=stakeholder,
        name=_clean_name(name),
        role=_clean_name(role),
        email=email.strip(),
        phone=phone.strip(),
    )
    contact.full_clean()
    contact.save()
    return contact


def contact_update(
    *, contact: Contact, name: str, role: str = "", email: str = "", phone: str = ""
) -> Contact:
    _check_not_archived(contact.stakeholder)
    contact.name = _clean_name(name)
    contact.role = _clean_name(role)
    contact.email = email.strip()
    contact.phone = phone.strip()
    contact.full_clean()
    contact.save(update_fields=["name", "role", "email", "phone"])
    return contact


# --- archive instead of delete ----------------------------------------------------------------


def _log(*, actor: AbstractBaseUser, party: Stakeholder, flag: int, message: str) -> None:
    LogEntry.objects.log_actions(
        user_id=actor.pk, queryset=[party], action_flag=flag, change_message=message
    )


def stakeholder_archive(*, stakeholder: Stakeholder, actor: AbstractBaseUser) -> Stakeholder:
    """Put a party in the archive instead of deleting it: it leaves the register's default
    list and the pickers for new involvements, becomes read-only, and stays readable at
    its address; nothing is lost and it can be restored.

    One filtered UPDATE, so of two people archiving at once only one succeeds. The caller
    has checked the permission; the party's admin history and the security log say who.
    """
    return _set_archived(stakeholder, actor=actor, archived=True)


def stakeholder_restore(*, stakeholder: Stakeholder, actor: AbstractBaseUser) -> Stakeholder:
    """Take a party out of the archive: it can be chosen and changed again."""
    return _set_archived(stakeholder, actor=actor, archived=False)


def _set_archived(
    stakeholder: Stakeholder, *, actor: AbstractBaseUser, archived: bool
) -> Stakeholder:
    now = timezone.now()
    with transaction.atomic():
        changed = Stakeholder.objects.filter(
            pk=stakeholder.pk, archived_at__isnull=archived
        ).update(archived_at=now if archived else None, updated_at=now)
        if not changed:
            raise ValidationError(
                _("Deze partij staat al in het archief.")
                if archived
                else _("Deze partij staat niet in het archief.")
            )
        stakeholder.refresh_from_db(fields=["archived_at", "updated_at"])
        message = _("Gearchiveerd.") if archived else _("Uit het archief teruggezet.")
        _log(actor=actor, party=stakeholder, flag=CHANGE, message=message)
    event = "stakeholder_archived" if archived else "stakeholder_restored"
    security_event(event, request=None, user=actor, stakeholder_id=stakeholder.pk)
    return stakeholder


def stakeholder_delete(
    *, stakeholder: Stakeholder, actor: AbstractBaseUser | None, reason: str = ""
) -> None:
    """Delete a party for good, where that is still possible: merging duplicates, or a
    party nothing else refers to. Everywhere else parties are archived.

    Every contact person is erased first, through the one erasure
    (``stakeholders.erasure``), in the same transaction: a deletion that is refused
    because projects, contact moments or agreements still refer to the party (a
    ValidationError) erases nobody either. With an ``actor`` the party's admin history
    notes the deletion and ``reason``.
    """
    try:
        with transaction.atomic():
            party = Stakeholder.objects.select_for_update().get(pk=stakeholder.pk)
            for contact in Contact.objects.filter(stakeholder=party).order_by("pk"):
                contact_erase(contact=contact, actor=actor)
            if actor is not None:
                _log(
                    actor=actor,
                    party=party,
                    flag=DELETION,
                    message=reason or _("Verwijderd, met de gegevens van alle contactpersonen."),
                )
            party.delete()
    except ProtectedError:
        raise ValidationError(
            _(
                "%(party)s komt nog voor in projecten, contactmomenten of afspraken en kan "
                "niet worden verwijderd. Archiveer de partij."
            )
            % {"party": stakeholder.name}
        ) from None
