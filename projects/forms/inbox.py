"""The department head's forms in the inbox: thinking along on a point, and the purpose
of a procedure of their department."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from governance.models import Procedure
from projects.models import FrictionPoint
from projects.services.support import PROPOSALS, TEXT_MAX_LENGTH

TEXTAREA = {"class": "utrecht-textarea utrecht-textarea--html-textarea", "rows": 3}


class ThinkAlongForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Meedenken"),
        max_length=TEXT_MAX_LENGTH,
        help_text=gettext_lazy(
            "Wat heeft de projectleider nodig? Deel kennis, stel de vraag "
            "‘wat was ook alweer de bedoeling?’ of wijs een kortere route."
        ),
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    proposal = forms.ChoiceField(
        label=gettext_lazy("Voorstel"),
        required=False,
        choices=[
            ("", gettext_lazy("Geen voorstel, alleen meedenken")),
            *[(value, FrictionPoint.Approach(value).label) for value in PROPOSALS],
        ],
        widget=forms.RadioSelect(
            attrs={"class": "utrecht-radio-button utrecht-radio-button--html-input"}
        ),
    )

    def __init__(self, *args: Any, point: FrictionPoint, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"meedenken-{point.pk}-%s")
        kwargs.setdefault("initial", {"proposal": ""})
        super().__init__(*args, **kwargs)
        self.use_required_attribute = False
        self.fields["text"].widget.attrs["aria-required"] = "true"
        # A proposal is for an open point; closing it stays with the contributors.
        if not point.is_open:
            del self.fields["proposal"]


class ProcedurePurposeForm(forms.Form):
    purpose = forms.CharField(
        label=gettext_lazy("Bedoeling"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 2}),
    )

    def __init__(self, *args: Any, procedure: Procedure, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"procedure-{procedure.pk}-%s")
        kwargs.setdefault("initial", {"purpose": procedure.purpose})
        super().__init__(*args, **kwargs)
