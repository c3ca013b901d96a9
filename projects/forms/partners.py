"""Forms for contact moments and agreements with external parties. They validate input
and offer only allowed choices; the services in ``projects.services.partners`` re-check
the rules when writing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import groupby
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.forms.friction import CHECKBOX, SELECT, TEXTAREA, TEXTBOX, AriaRequiredForm
from projects.models import Agreement, FollowUp, Interaction, Project
from stakeholders.models import Contact, Stakeholder

DATE = {"class": "utrecht-textbox utrecht-textbox--html-input", "type": "date"}


def person_name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def contact_label(contact: Contact) -> str:
    return f"{contact.name} ({contact.role})" if contact.role else contact.name


class ObjectChoiceField(forms.TypedChoiceField):
    """A choice among objects the view already loaded (no query of its own): the value
    is the primary key, ``clean`` gives the object back."""

    def __init__(self, *args: Any, empty_label: str | None = None, **kwargs: Any) -> None:
        self.empty_label = empty_label
        self.objects: dict[int, Any] = {}
        super().__init__(*args, coerce=int, empty_value=None, **kwargs)

    def set_objects(self, objects: Sequence[Any], label: Callable[[Any], str] = str) -> None:
        self.objects = {obj.pk: obj for obj in objects}
        empty = [("", self.empty_label)] if self.empty_label is not None else []
        self.choices = [*empty, *((obj.pk, label(obj)) for obj in objects)]

    def clean(self, value: Any) -> Any:
        pk = super().clean(value)
        return None if pk is None else self.objects[pk]


class ObjectsChoiceField(forms.TypedMultipleChoiceField):
    """Several of the objects the view already loaded; ``clean`` gives a list of them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.objects: dict[int, Any] = {}
        super().__init__(*args, coerce=int, **kwargs)

    def set_objects(self, objects: Sequence[Any], label: Callable[[Any], str] = str) -> None:
        self.objects = {obj.pk: obj for obj in objects}
        self.choices = [(obj.pk, label(obj)) for obj in objects]

    def clean(self, value: Any) -> list[Any]:
        return [self.objects[pk] for pk in super().clean(value)]


def _party_name(party: Stakeholder) -> str:
    return party.name


def _project_title(project: Project) -> str:
    return project.title


def _offer(
    form: forms.Form,
    name: str,
    objects: Sequence[Any] | None,
    label: Callable[[Any], str],
    **options: Any,
) -> None:
    """Offer ``objects`` in the field ``name`` (``options`` set on the field first), or
    drop the field where the page fixes that choice (``None``: the party on its own page,
    the project on the project's page)."""
    if objects is None:
        del form.fields[name]
        return
    field = form.fields[name]
    for option, value in options.items():
        setattr(field, option, value)
    field.set_objects(objects, label)


class InteractionForm(AriaRequiredForm):
    """The short form: date, kind, party (or project, from the party's page), the party's
    contact persons who took part, a summary; one follow-up action optional.

    On a project page ``parties`` are the project's parties and the project is fixed. On
    a party's page the party is fixed and ``projects`` are those the user may contribute
    to; ``allow_no_project`` adds "no project" (a contact with the party as such).
    ``contacts`` are the contact persons the user may see (ordered by party); ``staff``
    the colleagues who can be named as participant or follow-up owner. All are objects
    the view loaded already, so the form costs no queries.
    """

    date = forms.DateField(
        label=_("Datum"),
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        error_messages={"invalid": _("Vul een datum in, zoals 2027-03-15.")},
    )
    kind = forms.ChoiceField(
        label=_("Soort contact"),
        choices=Interaction.Kind.choices,
        widget=forms.Select(attrs=SELECT),
    )
    stakeholder = ObjectChoiceField(
        label=_("Partij"),
        error_messages={"invalid_choice": _("Kies een partij van dit project.")},
        # static/js/app.js shows only this party's contact persons.
        widget=forms.Select(attrs={**SELECT, "data-bb-party-filter": ""}),
    )
    project = ObjectChoiceField(
        label=_("Project"),
        error_messages={
            "invalid_choice": _("Kies een project waaraan u mag bijdragen."),
            "required": _("Kies het project waarover het contact ging."),
        },
        widget=forms.Select(attrs=SELECT),
    )
    contacts = ObjectsChoiceField(
        label=_("Contactpersonen van de partij"),
        required=False,
        error_messages={"invalid_choice": _("Kies contactpersonen van deze partij.")},
        widget=forms.CheckboxSelectMultiple(attrs=CHECKBOX),
    )
    staff = ObjectsChoiceField(
        label=_("Collega's die erbij waren"),
        required=False,
        help_text=_("U staat er zelf al bij."),
        error_messages={"invalid_choice": _("Kies collega's uit de lijst.")},
        widget=forms.CheckboxSelectMultiple(attrs=CHECKBOX),
    )
    summary = forms.CharField(
        label=_("Samenvatting"),
        max_length=5000,
        help_text=_("Wat is besproken, wat vond de partij belangrijk?"),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Vat in een paar woorden samen wat er besproken is.")},
    )
    follow_up = forms.CharField(
        label=_("Vervolgactie"),
        required=False,
        max_length=FollowUp._meta.get_field("description").max_length,
        widget=forms.TextInput(attrs={**TEXTBOX, "autocomplete": "off"}),
    )
    follow_up_owner = ObjectChoiceField(
        label=_("Wie pakt de vervolgactie op?"),
        required=False,
        error_messages={"invalid_choice": _("Kies een collega uit de lijst.")},
        widget=forms.Select(attrs=SELECT),
    )
    follow_up_due = forms.DateField(
        label=_("Vervolgactie uiterlijk op"),
        required=False,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        error_messages={"invalid": _("Vul een datum in, zoals 2027-03-15.")},
    )

    FOLLOW_UP_FIELDS = ("follow_up", "follow_up_owner", "follow_up_due")

    def __init__(
        self,
        *args: Any,
        user: Any,
        contacts: Sequence[Contact],
        staff: Sequence[Any],
        parties: Sequence[Stakeholder] | None = None,
        projects: Sequence[Project] | None = None,
        allow_no_project: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "interaction_%s")
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("date", timezone.localdate())
        kwargs["initial"].setdefault("follow_up_owner", user.pk)
        super().__init__(*args, **kwargs)
        self.user = user
        people = {person.pk: person for person in staff}
        people.setdefault(user.pk, user)
        by_name = sorted(people.values(), key=lambda person: person_name(person).casefold())
        _offer(self, "stakeholder", parties, _party_name)
        _offer(
            self,
            "project",
            projects,
            _project_title,
            required=not allow_no_project,
            empty_label=(
                _("Geen project: contact met de partij zelf")
                if allow_no_project
                else _("Kies een project")
            ),
        )
        self.contact_objects = list(contacts)
        self.fields["contacts"].set_objects(self.contact_objects, contact_label)
        self.fields["staff"].set_objects(
            [person for person in by_name if person.pk != user.pk], person_name
        )
        self.fields["follow_up_owner"].set_objects(by_name, person_name)
        self.mark_required()

    def clean_date(self) -> Any:
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(
                _("Een contactmoment heeft al plaatsgevonden: kies vandaag of eerder.")
            )
        return date

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        party = cleaned.get("stakeholder")
        if party is not None:
            wrong = [c for c in cleaned.get("contacts") or [] if c.stakeholder_id != party.pk]
            if wrong:
                self.add_error(
                    "contacts",
                    _("%(name)s is geen contactpersoon van %(party)s.")
                    % {"name": wrong[0].name, "party": party.name},
                )
        if cleaned.get("follow_up"):
            if not cleaned.get("follow_up_owner") and "follow_up_owner" not in self.errors:
                self.add_error("follow_up_owner", _("Kies wie de vervolgactie oppakt."))
            if not cleaned.get("follow_up_due") and "follow_up_due" not in self.errors:
                self.add_error("follow_up_due", _("Kies wanneer de vervolgactie klaar moet zijn."))
        elif cleaned.get("follow_up_due"):
            self.add_error("follow_up", _("Beschrijf de vervolgactie, of laat de datum leeg."))
        return cleaned

    @property
    def show_follow_up(self) -> bool:
        """Open the follow-up part when it was filled in or has an error."""
        if not self.is_bound:
            return False
        return any(
            self[name].errors or (name != "follow_up_owner" and self[name].value())
            for name in self.FOLLOW_UP_FIELDS
        )

    def contact_groups(self) -> list[tuple[Stakeholder, list]]:
        """The contact checkboxes per party, for a fieldset each (the project page)."""
        boxes = list(self["contacts"].subwidgets)
        keyed = zip(self.contact_objects, boxes, strict=True)
        return [
            (party, [box for _contact, box in group])
            for party, group in groupby(keyed, key=lambda item: item[0].stakeholder)
        ]


class FollowUpDoneForm(forms.Form):
    done = forms.BooleanField(required=False)


class AgreementForm(AriaRequiredForm):
    """What was promised, by whom, by when. On a project page the party is chosen; on a
    party's page the project (one the user may contribute to)."""

    stakeholder = ObjectChoiceField(
        label=_("Partij"),
        error_messages={"invalid_choice": _("Kies een partij van dit project.")},
        widget=forms.Select(attrs=SELECT),
    )
    project = ObjectChoiceField(
        label=_("Project"),
        empty_label=_("Kies een project"),
        error_messages={
            "invalid_choice": _("Kies een project waaraan u mag bijdragen."),
            "required": _("Kies het project waar de afspraak bij hoort."),
        },
        widget=forms.Select(attrs=SELECT),
    )
    title = forms.CharField(
        label=_("Wat is er afgesproken?"),
        max_length=Agreement._meta.get_field("title").max_length,
        widget=forms.TextInput(attrs={**TEXTBOX, "autocomplete": "off"}),
        error_messages={"required": _("Beschrijf kort wat er is afgesproken.")},
    )
    owed_by = forms.ChoiceField(
        label=_("Wie moet het nakomen?"),
        choices=Agreement.OwedBy.choices,
        initial=Agreement.OwedBy.US,
        widget=forms.Select(attrs=SELECT),
    )
    due_date = forms.DateField(
        label=_("Uiterlijk op"),
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        error_messages={
            "invalid": _("Vul een datum in, zoals 2027-03-15."),
            "required": _("Kies de datum waarop de afspraak uiterlijk nagekomen wordt."),
        },
    )
    description = forms.CharField(
        label=_("Toelichting"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )

    def __init__(
        self,
        *args: Any,
        parties: Sequence[Stakeholder] | None = None,
        projects: Sequence[Project] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "agreement_%s")
        super().__init__(*args, **kwargs)
        _offer(self, "stakeholder", parties, _party_name)
        _offer(self, "project", projects, _project_title)
        self.mark_required()


class AgreementStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Agreement.Status.choices)


class PortfolioForm(forms.Form):
    commissioner = ObjectChoiceField(
        label=_("Opdrachtgever"),
        required=False,
        empty_label=_("Alle opdrachtgevers"),
        error_messages={"invalid_choice": _("Kies een bureauhoofd uit de lijst.")},
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, commissioners: Sequence[Any], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "portfolio_%s")
        super().__init__(*args, **kwargs)
        self.fields["commissioner"].set_objects(commissioners, person_name)
