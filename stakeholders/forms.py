"""Forms for the register of external parties."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stakeholders.models import Contact, Stakeholder
from stakeholders.selectors import (
    ArchiveFilter,
    ContactFilter,
    ProjectsFilter,
    Sort,
    stakeholder_by_name,
)
from stakeholders.similarity import similar_stakeholders

TEXTBOX = "utrecht-textbox utrecht-textbox--html-input"
SELECT = "utrecht-select utrecht-select--html-select"
CHECKBOX = "utrecht-checkbox utrecht-checkbox--html-input"


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
    projects = forms.ChoiceField(
        label=_("Projecten"),
        required=False,
        choices=[
            ("", _("Met en zonder projecten")),
            (ProjectsFilter.ANY, _("Met projecten")),
            (ProjectsFilter.MINE, _("In mijn projecten")),
            (ProjectsFilter.NONE, _("Zonder projecten")),
        ],
        error_messages={"invalid_choice": _("Kies een keuze uit de lijst.")},
        widget=forms.Select(attrs={"class": SELECT}),
    )
    contact = forms.ChoiceField(
        label=_("Laatste contact"),
        required=False,
        choices=[
            ("", _("Altijd")),
            (ContactFilter.RECENT, _("In de afgelopen drie maanden")),
            (ContactFilter.STALE, _("Langer dan drie maanden geleden of nooit")),
            (ContactFilter.NEVER, _("Nog nooit")),
        ],
        error_messages={"invalid_choice": _("Kies een keuze uit de lijst.")},
        widget=forms.Select(attrs={"class": SELECT}),
    )
    archive = forms.ChoiceField(
        label=_("Archief"),
        required=False,
        choices=[
            (ArchiveFilter.ACTIVE, _("Partijen die niet in het archief staan")),
            (ArchiveFilter.ARCHIVED, _("Gearchiveerde partijen")),
            (ArchiveFilter.ALL, _("Alle partijen")),
        ],
        error_messages={"invalid_choice": _("Kies een keuze uit de lijst.")},
        widget=forms.Select(attrs={"class": SELECT}),
    )
    sort = forms.ChoiceField(
        label=_("Sorteren op"),
        required=False,
        choices=[
            (Sort.NAME, _("Naam")),
            (Sort.RECENT, _("Laatste contact, recentste eerst")),
            (Sort.PROJECTS, _("Aantal projecten, meeste eerst")),
        ],
        error_messages={"invalid_choice": _("Kies een keuze uit de lijst.")},
        widget=forms.Select(attrs={"class": SELECT}),
    )


class StakeholderCreateForm(forms.ModelForm):
    """Name and kind of a new party. A name that exists already (ignoring case) is refused
    beside the field, and ``existing`` holds that party so the page can offer it. A name
    that resembles existing parties is refused until ``confirm`` is ticked; ``similar``
    holds those parties."""

    confirm = forms.BooleanField(
        label=_("Het is echt een andere partij"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": CHECKBOX}),
    )

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
        self.similar: list[Stakeholder] = []

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

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        name = cleaned.get("name")
        if name and not cleaned.get("confirm"):
            self.similar = similar_stakeholders(name, archived=False)
            if self.similar:
                self.add_error(
                    "name",
                    forms.ValidationError(
                        _(
                            "Deze naam lijkt op een partij die al bestaat. Kies die partij, "
                            "of vink aan dat het echt een andere partij is."
                        ),
                        code="similar",
                    ),
                )
        return cleaned


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone"]
        labels = {
            "name": _("Naam"),
            "role": _("Functie of rol"),
            "email": _("E-mail"),
            "phone": _("Telefoon"),
        }
        error_messages = {
            "name": {"required": _("Vul de naam van de contactpersoon in.")},
            "email": {"invalid": _("Vul een geldig e-mailadres in, zoals naam@partner.nl.")},
        }
        widgets = {
            "name": forms.TextInput(attrs={"class": TEXTBOX, "autocomplete": "off"}),
            "role": forms.TextInput(attrs={"class": TEXTBOX, "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"class": TEXTBOX, "autocomplete": "off"}),
            "phone": forms.TextInput(
                attrs={"class": TEXTBOX, "autocomplete": "off", "inputmode": "tel"}
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "contact_%s")
        super().__init__(*args, **kwargs)
