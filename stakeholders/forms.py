"""Forms for the register of external parties."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stakeholders.models import Stakeholder
from stakeholders.selectors import stakeholder_by_name

TEXTBOX = "utrecht-textbox utrecht-textbox--html-input"
SELECT = "utrecht-select utrecht-select--html-select"


class StakeholderFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Zoeken"),
        required=False,
        max_length=200,
        help_text=_("Naam of omschrijving"),
        widget=forms.TextInput(attrs={"type": "search", "class": TEXTBOX, "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(
        label=_("Soort"),
        required=False,
        choices=[("", _("Alle soorten")), *Stakeholder.Kind.choices],
        error_messages={"invalid_choice": _("Kies een soort uit de lijst.")},
        widget=forms.Select(attrs={"class": SELECT}),
    )


class StakeholderCreateForm(forms.ModelForm):
    """Name and kind of a new party. A name that exists already (ignoring case) is refused
    beside the field, and ``existing`` holds that party so the page can offer it."""

    class Meta:
        model = Stakeholder
        fields = ["name", "kind"]
        labels = {"name": _("Naam van de nieuwe partij"), "kind": _("Soort partij")}
        error_messages = {"name": {"required": _("Vul de naam van de partij in.")}}
        widgets = {
            "name": forms.TextInput(attrs={"class": TEXTBOX, "autocomplete": "organization"}),
            "kind": forms.Select(attrs={"class": SELECT}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.existing: Stakeholder | None = None

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        existing = stakeholder_by_name(name)
        if existing is not None:
            self.existing = existing
            raise forms.ValidationError(
                _("Er bestaat al een externe partij met de naam “%(name)s”."),
                code="duplicate",
                params={"name": existing.name},
            )
        return name
