"""Writes of managers as thinking partners: the commissioner answering a support request,
a department head thinking along or proposing an approach, and a procedure's purpose.

The friction point writes lock the point and record the change on its timeline exactly
like ``projects.services.friction`` does (same lock, same activity bookkeeping), so the
friction engine sees the activity and the leader sees it on the friction page. Rule
violations raise ``ValidationError`` keyed by the form field they belong to.

Who may call these is the view's business (``projects.permissions``): the services check
the state of the point, not the person.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import Procedure
from projects.models import FrictionPoint, FrictionUpdate
from projects.services.friction import _lock, _touch

TEXT_MAX_LENGTH = 5000
# What a department head may propose; closing the point (with the approach actually
# chosen) stays with the project's contributors.
PROPOSALS = (FrictionPoint.Approach.KEEP, FrictionPoint.Approach.ORGANISE_DIFFERENTLY)


def _clean_text(text: str, *, empty_message: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({"text": empty_message})
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError({"text": _("Maximaal %(max)d tekens.") % {"max": TEXT_MAX_LENGTH}})
    return text


def friction_point_answer_support(
    *, point: FrictionPoint, author: AbstractBaseUser, text: str
) -> FrictionUpdate:
    """Answer the point's open support request.

    The answer becomes a timeline entry of kind ``antwoord``; ``support_answered_at`` is
    set, which stops the escalation clock. ``escalated_at`` stays as history: a request
    that was escalated remains visible as such after it is answered.

    Refused when nothing is waiting for an answer (no request, already answered, or the
    point closed meanwhile): two managers answering at once give one answer, not two.
    """
    text = _clean_text(text, empty_message=_("Schrijf je antwoord."))
    with transaction.atomic():
        locked = _lock(point)
        if not locked.support_asked:
            raise ValidationError({"text": _("Bij dit knelpunt is geen ondersteuning gevraagd.")})
        if locked.support_answered_at is not None:
            raise ValidationError({"text": _("Deze ondersteuningsvraag is al beantwoord.")})
        if not locked.is_open:
            raise ValidationError(
                {"text": _("Dit knelpunt is afgesloten; de vraag hoeft geen antwoord meer.")}
            )
        now = timezone.now()
        update = FrictionUpdate.objects.create(
            friction_point=locked,
            author=author,
            kind=FrictionUpdate.Kind.SUPPORT_ANSWER,
            text=text,
        )
        locked.support_answered_at = now
        _touch(point, locked, fields=["support_answered_at"], now=now)
    return update


def friction_point_think_along(
    *, point: FrictionPoint, author: AbstractBaseUser, text: str, proposal: str = ""
) -> FrictionUpdate:
    """A department head's response as a thinking partner, optionally proposing to keep
    the existing way of working or to organise differently.

    Recorded as a ``reactie`` on the timeline whose text starts with the proposal, if any.
    The point's status does not change. A proposal needs an open point; thinking along
    is welcome on a closed one too.
    """
    text = _clean_text(text, empty_message=_("Schrijf wat je meegeeft."))
    if proposal and proposal not in PROPOSALS:
        raise ValidationError({"proposal": _("Kies een bestaand voorstel.")})
    with transaction.atomic():
        locked = _lock(point)
        if proposal and not locked.is_open:
            raise ValidationError(
                {
                    "proposal": _(
                        "Dit knelpunt is afgesloten; een voorstel doe je bij een open knelpunt."
                    )
                }
            )
        if proposal:
            label = FrictionPoint.Approach(proposal).label
            text = _("Voorstel: %(approach)s.") % {"approach": label} + "\n\n" + text
        update = FrictionUpdate.objects.create(
            friction_point=locked, author=author, kind=FrictionUpdate.Kind.COMMENT, text=text
        )
        _touch(point, locked, fields=[])
    return update


def procedure_purpose_set(*, procedure: Procedure, purpose: str) -> Procedure:
    """Record what the procedure is meant to achieve ("wat was ook alweer de bedoeling?").

    Empty is allowed: it clears a purpose that no longer holds.
    """
    purpose = purpose.strip()
    if len(purpose) > TEXT_MAX_LENGTH:
        raise ValidationError({"purpose": _("Maximaal %(max)d tekens.") % {"max": TEXT_MAX_LENGTH}})
    procedure.purpose = purpose
    procedure.save(update_fields=["purpose"])
    return procedure
