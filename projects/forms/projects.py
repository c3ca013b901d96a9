"""Forms for the project pages: the project itself and the inline lists of departments,
partners and milestones. Forms validate and hand over cleaned data; the services write."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from governance.models import Department, Procedure, Role
from projects.models import (
    DepartmentInvolvement,
    Milestone,
    ProcedureStep,
    Project,
    StakeholderInvolvement,
)
from projects.selectors.projects import users_in_role
from projects.services.projects import DepartmentInput, MilestoneInput, PartnerInput
from stakeholders.models import Stakeholder
from web.fields import IdsChoiceField

WIDGET_CLASSES = {
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.NumberInput: "utrecht-textbox utrecht-textbox--html-input utrecht-textbox--numeric",
    forms.DateInput: "utrecht-textbox utrecht-textbox--html-input",
    forms.TextInput: "utrecht-textbox utrecht-textbox--html-input",
    forms.URLInput: "utrecht-textbox utrecht-textbox--html-input utrecht-textbox--url",
}


def style_widgets(form: forms.BaseForm) -> None:
    """NL Design System classes on every widget (checkbox lists are styled per option)."""
    for bound_field in form.fields.values():
        widget = bound_field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxSelectMultiple):
            widget.attrs["class"] = "utrecht-checkbox utrecht-checkbox--html-input"
            continue
        if isinstance(widget, forms.RadioSelect):
            widget.attrs["class"] = "utrecht-radio-button utrecht-radio-button--html-input"
            continue
        for widget_class, css in WIDGET_CLASSES.items():
            if isinstance(widget, widget_class):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
                break


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class ProjectForm(forms.ModelForm):
    """The project itself, purpose first. ``choose_leader`` adds the leader field (for a
    Bureauhoofd or Beheerder); a Projectleider leads what they start."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = [
            "purpose",
            "title",
            "description",
            "status",
            "leader",
            "commissioner",
            "portfolio_holder",
            "is_confidential",
        ]
        labels = {"purpose": _("Wat is de bedoeling?")}
        help_texts = {
            "purpose": _(
                "Waarom doen we dit samen met anderen? Wat willen we buiten bereiken? "
                "Hier komen we op terug als het ergens wringt."
            ),
        }
        error_messages = {
            "purpose": {"required": _("Beschrijf de bedoeling: wat willen jullie bereiken?")},
            "title": {"required": _("Geef het project een titel.")},
        }
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, choose_leader: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commissioner"] = PersonChoiceField(
            queryset=users_in_role(Role.COMMISSIONER),
            label=_("Opdrachtgever (bureauhoofd)"),
            empty_label=_("Kies een bureauhoofd"),
            help_text=_("Eén bureauhoofd is aanspreekbaar voor het hele project."),
            error_messages={
                "required": _("Kies één bureauhoofd als opdrachtgever."),
                "invalid_choice": _(
                    "Deze persoon is geen bureauhoofd. Alleen een bureauhoofd kan "
                    "opdrachtgever zijn."
                ),
            },
        )
        if choose_leader:
            self.fields["leader"] = PersonChoiceField(
                queryset=users_in_role(Role.PROJECT_LEADER),
                label=_("Projectleider"),
                empty_label=_("Kies een projectleider"),
                error_messages={
                    "required": _("Kies de projectleider."),
                    "invalid_choice": _("Kies een projectleider uit de lijst."),
                },
            )
        else:
            del self.fields["leader"]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        style_widgets(self)

    def service_kwargs(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data[name]
            for name in (
                "title",
                "purpose",
                "description",
                "status",
                "commissioner",
                "portfolio_holder",
                "is_confidential",
            )
        }
        if "leader" in self.fields:
            data["leader"] = self.cleaned_data["leader"]
        return data


class SharedChoicesFormSet(BaseInlineFormSet):
    """Evaluates the choices of ``shared_choice_fields`` once for all forms of the set,
    instead of once per form."""

    shared_choice_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, queryset: Any = None, **kwargs: Any) -> None:
        self._shared_choices: dict[str, list] = {}
        if queryset is None:
            queryset = self.default_queryset()
        super().__init__(*args, queryset=queryset, **kwargs)

    def default_queryset(self) -> QuerySet:
        return self.model._default_manager.all()

    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        return self._share(super()._construct_form(i, **kwargs))

    @property
    def empty_form(self) -> forms.Form:
        return self._share(super().empty_form)

    def _share(self, form: forms.Form) -> forms.Form:
        for name in self.shared_choice_fields:
            if name not in self._shared_choices:
                self._shared_choices[name] = list(form.fields[name].choices)
            form.fields[name].choices = self._shared_choices[name]
        style_widgets(form)
        return form

    def items(self) -> list[Any]:
        """What the project should have after saving: the rows filled in and not marked for
        deletion, plus existing rows this POST left out (as with any Django formset, only a
        row marked for deletion is deleted)."""
        posted = {f.instance.pk for f in self.forms if f.instance.pk}
        # Extra forms left blank have empty cleaned_data, so they drop out here.
        filled = [
            self.item_from_form(f)
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        untouched = [self.item_from_instance(o) for o in self.get_queryset() if o.pk not in posted]
        return filled + untouched

    # Each concrete formset says how a form and an existing row become a service item.
    item_from_form: Callable[[forms.Form], Any]
    item_from_instance: Callable[[Any], Any]

    def _mark_duplicates(self, field_name: str, message: str) -> None:
        seen: set[int] = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            value = form.cleaned_data.get(field_name)
            if value is None:
                continue
            if value.pk in seen:
                form.add_error(field_name, message)
            seen.add(value.pk)


class DepartmentInvolvementForm(forms.ModelForm):
    class Meta:
        model = DepartmentInvolvement
        fields = ["department", "role"]
        labels = {"department": _("Afdeling"), "role": _("Rol van de afdeling")}
        error_messages = {"department": {"required": _("Kies een afdeling.")}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("name")
        self.fields["department"].empty_label = _("Kies een afdeling")


class BaseDepartmentFormSet(SharedChoicesFormSet):
    shared_choice_fields = ("department",)

    def default_queryset(self) -> QuerySet:
        return DepartmentInvolvement.objects.select_related("department").order_by(
            "department__name"
        )

    def clean(self) -> None:
        # Before the base class checks uniqueness, so the message sits beside the field.
        self._mark_duplicates(
            "department", _("Deze afdeling staat er al bij. Kies een andere of laat deze weg.")
        )
        super().clean()

    def item_from_form(self, form: forms.Form) -> DepartmentInput:
        return DepartmentInput(
            department=form.cleaned_data["department"], role=form.cleaned_data["role"]
        )

    def item_from_instance(self, obj: DepartmentInvolvement) -> DepartmentInput:
        return DepartmentInput(department=obj.department, role=obj.role)


# Rows a project form takes per list; also the most a posted form count can make the
# server build (a forged TOTAL_FORMS of a billion builds no more than this).
ROWS_MAX = 100

# Every formset of the project form: one empty row to fill in, rows removed by a checkbox, at
# most ROWS_MAX rows (also when more are posted).
ROW_FORMSET_OPTIONS: dict[str, Any] = {
    "extra": 1,
    "can_delete": True,
    "can_delete_extra": False,
    "max_num": ROWS_MAX,
    "absolute_max": ROWS_MAX,
    "validate_max": True,
}

DepartmentFormSet = inlineformset_factory(
    Project,
    DepartmentInvolvement,
    form=DepartmentInvolvementForm,
    formset=BaseDepartmentFormSet,
    **ROW_FORMSET_OPTIONS,
)

SCORE_ERRORS = {
    "required": _("Vul een getal van 1 tot en met 5 in."),
    "invalid": _("Vul een getal van 1 tot en met 5 in."),
    "min_value": _("Vul een getal van 1 tot en met 5 in (1 is laag)."),
    "max_value": _("Vul een getal van 1 tot en met 5 in (5 is hoog)."),
}


def _party_label(party: Stakeholder) -> str:
    return _("%(name)s (gearchiveerd)") % {"name": party.name} if party.is_archived else party.name


def _score_field(label: str, help_text: str) -> forms.IntegerField:
    """A score from 1 to 5 on the power/interest grid, 3 to begin with."""
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=5,
        initial=3,
        error_messages=SCORE_ERRORS,
        help_text=help_text,
    )


class StakeholderInvolvementForm(forms.ModelForm):
    influence = _score_field(
        _("Invloed (1-5)"), _("Hoeveel macht heeft de partij over het resultaat?")
    )
    interest = _score_field(_("Belang (1-5)"), _("Hoe sterk raakt het project de partij?"))

    class Meta:
        model = StakeholderInvolvement
        fields = ["stakeholder", "role", "influence", "interest"]
        labels = {"stakeholder": _("Externe partij"), "role": _("Rol van de partij")}
        error_messages = {"stakeholder": {"required": _("Kies een externe partij.")}}

    def __init__(self, *args: Any, party_ids: Iterable[int] = (), **kwargs: Any) -> None:
        """``party_ids``: the parties already in the project, offered even when archived
        (an archived party joins no project anew, but stays where it was)."""
        super().__init__(*args, **kwargs)
        field = self.fields["stakeholder"]
        field.queryset = Stakeholder.objects.filter(
            Q(archived_at__isnull=True) | Q(pk__in=list(party_ids))
        ).order_by("name")
        field.label_from_instance = _party_label
        field.empty_label = _("Kies een externe partij")
        # The search-as-you-type picker (static/js/app.js) takes over this select.
        self.fields["stakeholder"].widget.attrs["data-bb-party-select"] = ""


class BasePartnerFormSet(SharedChoicesFormSet):
    shared_choice_fields = ("stakeholder",)

    def default_queryset(self) -> QuerySet:
        return StakeholderInvolvement.objects.select_related("stakeholder").order_by(
            "stakeholder__name"
        )

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        kwargs["party_ids"] = [involvement.stakeholder_id for involvement in self.get_queryset()]
        return kwargs

    def clean(self) -> None:
        self._mark_duplicates(
            "stakeholder", _("Deze partij staat er al bij. Kies een andere of laat deze weg.")
        )
        super().clean()

    def item_from_form(self, form: forms.Form) -> PartnerInput:
        data = form.cleaned_data
        return PartnerInput(
            stakeholder=data["stakeholder"],
            role=data["role"],
            influence=data["influence"],
            interest=data["interest"],
        )

    def item_from_instance(self, obj: StakeholderInvolvement) -> PartnerInput:
        return PartnerInput(
            stakeholder=obj.stakeholder,
            role=obj.role,
            influence=obj.influence,
            interest=obj.interest,
        )


PartnerFormSet = inlineformset_factory(
    Project,
    StakeholderInvolvement,
    form=StakeholderInvolvementForm,
    formset=BasePartnerFormSet,
    **ROW_FORMSET_OPTIONS,
)


class ProcedureChoiceField(IdsChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        label = _("%(name)s (%(department)s, %(days)s werkdagen)") % {
            "name": obj.name,
            "department": obj.department.name,
            "days": obj.lead_time_days,
        }
        return label if obj.is_active else _("%(label)s, niet meer actief") % {"label": label}


class MilestoneForm(forms.ModelForm):
    procedures = ProcedureChoiceField(
        queryset=Procedure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Interne procedures die vóór deze mijlpaal klaar moeten zijn"),
        help_text=_(
            "Kies je een procedure van een afdeling die nog niet bij het project staat, "
            "dan wordt die afdeling betrokken (adviserend). Het hoofd van die afdeling kan "
            "het project dan zien, ook als het vertrouwelijk is."
        ),
    )

    class Meta:
        model = Milestone
        fields = ["title", "kind", "date"]
        labels = {"title": _("Mijlpaal"), "kind": _("Soort mijlpaal"), "date": _("Datum")}
        error_messages = {
            "title": {"required": _("Geef de mijlpaal een naam.")},
            "date": {
                "required": _("Vul de datum van de mijlpaal in."),
                "invalid": _("Vul een geldige datum in, bijvoorbeeld 31-12-2027."),
            },
        }
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, procedures: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].input_formats = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]
        if procedures is not None:
            self.fields["procedures"].queryset = procedures
        if self.instance.pk:
            self.fields["procedures"].initial = [
                step.procedure_id for step in self.instance.steps.all()
            ]


class BaseMilestoneFormSet(SharedChoicesFormSet):
    shared_choice_fields = ("procedures",)

    def default_queryset(self) -> QuerySet:
        steps = ProcedureStep.objects.select_related("procedure")
        return Milestone.objects.prefetch_related(Prefetch("steps", queryset=steps)).order_by(
            "date", "title", "pk"
        )

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        # Active procedures, plus inactive ones this project still uses (so editing a
        # milestone never drops a step silently).
        in_use = Exists(
            ProcedureStep.objects.filter(
                procedure=OuterRef("pk"), milestone__project_id=self.instance.pk
            )
        )
        kwargs["procedures"] = (
            Procedure.objects.filter(Q(is_active=True) | Q(in_use))
            .select_related("department")
            .order_by("department__name", "name")
        )
        return kwargs

    def item_from_form(self, form: forms.Form) -> MilestoneInput:
        data = form.cleaned_data
        return MilestoneInput(
            pk=form.instance.pk,
            title=data["title"],
            kind=data["kind"],
            date=data["date"],
            description=form.instance.description,
            procedures=list(data["procedures"]),
        )

    def item_from_instance(self, obj: Milestone) -> MilestoneInput:
        return MilestoneInput(
            pk=obj.pk,
            title=obj.title,
            kind=obj.kind,
            date=obj.date,
            description=obj.description,
            procedures=[step.procedure for step in obj.steps.all()],
        )


MilestoneFormSet = inlineformset_factory(
    Project,
    Milestone,
    form=MilestoneForm,
    formset=BaseMilestoneFormSet,
    **ROW_FORMSET_OPTIONS,
)


class StepStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ProcedureStep.Status.choices,
        error_messages={"invalid_choice": _("Kies een van de statussen in de lijst.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)
