"""Forms of the friction log. They only validate input; the writes are services in
``projects.services.friction``, which also re-check the business rules."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import groupby
from typing import Any

from django import forms
from django.db.models import Model, Q
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from governance import options
from governance.models import Department, Procedure
from projects.models import FrictionPoint, Project
from projects.selectors.friction import (
    departments_involved_in,
    departments_not_involved_in,
    procedures_active,
)
from web.fields import IdsChoiceField

TEXTBOX = {"class": "utrecht-textbox utrecht-textbox--html-input"}
TEXTAREA = {"class": "utrecht-textarea utrecht-textarea--html-textarea", "rows": 3}
SELECT = {"class": "utrecht-select utrecht-select--html-select"}
CHECKBOX = {"class": "utrecht-checkbox utrecht-checkbox--html-input"}
COMMENT_MAX_LENGTH = 5000


def support_asked_field(help_text: str) -> forms.ChoiceField:
    """ "Ondersteuning vragen": what the commissioner is asked for, optional."""
    return forms.ChoiceField(
        label=_("Ondersteuning vragen"),
        required=False,
        choices=FrictionPoint.Support.choices,
        help_text=help_text,
        widget=forms.Select(attrs=SELECT),
    )


class GroupedModelChoiceIterator(ModelChoiceIterator):
    """Yields the choices in <optgroup>s, one per ``field.group_label(obj)``; the queryset
    must be ordered by that group."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for group, objs in groupby(self.queryset, key=self.field.group_label):
            yield (group, [self.choice(obj) for obj in objs])


class GroupedModelChoiceField(forms.ModelChoiceField):
    iterator = GroupedModelChoiceIterator

    def __init__(
        self,
        *args: Any,
        group_label: Callable[[Model], str],
        choice_label: Callable[[Model], str] = str,
        **kwargs: Any,
    ) -> None:
        self.group_label = group_label
        self.choice_label = choice_label
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Model) -> str:
        return self.choice_label(obj)


class AriaRequiredForm(forms.Form):
    """Marks required fields with ``aria-required`` rather than the HTML ``required``
    attribute: Utrecht styles an empty required textarea as invalid before anyone typed,
    and the labels already say "(verplicht)"."""

    use_required_attribute = False

    def mark_required(self) -> None:
        for field in self.fields.values():
            if field.required:
                field.widget.attrs["aria-required"] = "true"
            else:
                field.widget.attrs.pop("aria-required", None)


class FrictionPointForm(AriaRequiredForm):
    """ "Knelpunt melden": title, where it chafes and severity up front, the rest optional.

    Departments come in two steps: the project's involved departments as checkboxes, and
    any other department in a secondary choice.
    """

    title = forms.CharField(
        label=_("Titel"),
        max_length=FrictionPoint._meta.get_field("title").max_length,
        help_text=_("In een paar woorden: wat wringt er?"),
        widget=forms.TextInput(attrs={**TEXTBOX, "autocomplete": "off"}),
    )
    departments = IdsChoiceField(
        label=_("Afdeling(en)"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=CHECKBOX),
    )
    other_department = GroupedModelChoiceField(
        label=_("Andere afdeling"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("Geen andere afdeling"),
        help_text=_("Wringt het bij een afdeling die niet bij dit project betrokken is?"),
        group_label=lambda department: department.sector.name,
        choice_label=lambda department: department.name,
        widget=forms.Select(attrs=SELECT),
    )
    procedure = GroupedModelChoiceField(
        label=_("Procedure"),
        queryset=Procedure.objects.none(),
        required=False,
        empty_label=_("Geen procedure"),
        group_label=lambda procedure: procedure.department.name,
        choice_label=lambda procedure: procedure.name,
        widget=forms.Select(attrs=SELECT),
    )
    severity = forms.TypedChoiceField(
        label=_("Ernst"),
        choices=FrictionPoint.Severity.choices,
        coerce=int,
        initial=FrictionPoint.Severity.MEDIUM,
        widget=forms.Select(attrs=SELECT),
    )
    description = forms.CharField(
        label=_("Omschrijving"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    category = forms.ChoiceField(
        label=_("Categorie"),
        required=False,
        choices=[("", _("Kies een categorie")), *FrictionPoint.Category.choices],
        widget=forms.Select(attrs=SELECT),
    )
    purpose_question = forms.CharField(
        label=_("Wat was ook alweer de bedoeling?"),
        required=False,
        help_text=_(
            "Wat moet deze procedure of werkwijze eigenlijk bereiken? "
            "Dient ze die bedoeling hier nog?"
        ),
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    support_asked = support_asked_field(
        _(
            "Je opdrachtgever denkt mee: met kennis, een luisterend oor "
            "of de kortste route naar het bestuur."
        )
    )

    OPTIONAL_FIELDS = ("description", "category", "purpose_question", "support_asked")

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "friction_%s")
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["departments"].queryset = departments_involved_in(project=project)
        self.fields["other_department"].queryset = departments_not_involved_in(project=project)
        self.fields["procedure"].queryset = procedures_active()
        self._options_from_cache()
        self.mark_required()

    def _options_from_cache(self) -> None:
        """Render the option lists from the organisation's cached lists rather than three
        queries (the querysets above still validate what is submitted). Callables: the
        lists are read only when the form is rendered."""
        fields = self.fields
        fields["departments"].choices = self._involved_choices
        fields["other_department"].choices = lambda: [
            ("", fields["other_department"].empty_label),
            *options.departments_by_sector(exclude=self._involved_ids()).items(),
        ]
        fields["procedure"].choices = lambda: [
            ("", fields["procedure"].empty_label),
            *self._grouped_procedures().items(),
        ]

    def _involved_ids(self) -> set[int]:
        # On the project page the involvements are prefetched: no query; elsewhere one.
        if not hasattr(self, "_involved"):
            self._involved = {i.department_id for i in self.project.department_involvements.all()}
        return self._involved

    def _involved_choices(self) -> list[tuple[int, str]]:
        involved = self._involved_ids()
        departments = sorted(options.departments(), key=lambda d: d.name)
        return [(d.pk, d.name) for d in departments if d.pk in involved]

    @staticmethod
    def _grouped_procedures() -> dict[str, list[tuple[int, str]]]:
        grouped: dict[str, list[tuple[int, str]]] = {}
        for procedure in options.procedures():
            grouped.setdefault(procedure.department, []).append((procedure.pk, procedure.name))
        return grouped

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if (
            not cleaned.get("departments")
            and not cleaned.get("other_department")
            and not cleaned.get("procedure")
            and not {"departments", "other_department", "procedure"} & self.errors.keys()
        ):
            self.add_error(
                "departments",
                _("Geef aan waar het wringt: kies een afdeling, een procedure of allebei."),
            )
        return cleaned

    def chosen_departments(self) -> list[Department]:
        """The involved departments ticked plus the other department, if any."""
        chosen = list(self.cleaned_data.get("departments") or [])
        other = self.cleaned_data.get("other_department")
        if other is not None and other not in chosen:
            chosen.append(other)
        return chosen

    @property
    def show_optional(self) -> bool:
        """Open "Meer vertellen" when an optional field has a value or an error."""
        if not self.is_bound:
            return False
        return any(self[name].errors or self[name].value() for name in self.OPTIONAL_FIELDS)


class FrictionCloseForm(AriaRequiredForm):
    approach = forms.ChoiceField(
        label=_("Aanpak"),
        choices=[("", _("Kies een aanpak")), *FrictionPoint.Approach.choices],
        help_text=_(
            "Soms koester je de bestaande werkwijze, soms organiseer je het anders "
            "of kies je een onorthodoxe, speelse oplossing."
        ),
        widget=forms.Select(attrs=SELECT),
    )
    lesson_learned = forms.CharField(
        label=_("Geleerde les"),
        help_text=_(
            "Wat neem je mee naar een volgende keer? Zo leren we met vallen en opstaan, "
            "en verandert de organisatie binnen mee met wie buiten samenwerkt."
        ),
        widget=forms.Textarea(attrs=TEXTAREA),
    )

    # The version of the point the form was opened at (see projects.services.conflicts).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, point: FrictionPoint, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "close_%s")
        super().__init__(*args, **kwargs)
        # An automatic flag was nobody's own experience: the lesson is welcome, not required.
        self.fields["lesson_learned"].required = not point.is_automatic
        self.mark_required()


class FrictionCommentForm(AriaRequiredForm):
    text = forms.CharField(
        label=_("Reactie"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    support_asked = support_asked_field(
        _(
            "Vraag je opdrachtgever om kennis, een luisterend oor "
            "of de kortste route naar het bestuur."
        )
    )

    def __init__(self, *args: Any, point: FrictionPoint, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "comment_%s")
        super().__init__(*args, **kwargs)
        # Support can be asked on an open point without an unanswered request.
        if not point.is_open or point.support_pending:
            del self.fields["support_asked"]
        self.mark_required()


class FrictionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=FrictionPoint.Status.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class FrictionPointEditForm(FrictionPointForm):
    """ "Knelpunt bewerken": the fields of "Knelpunt melden" except the support request
    (that has its own answer clock: ask through a comment), plus the ``version`` the form
    was opened at, so a save never overwrites someone else's change unseen.

    The point's current departments stay ticked even when their department is no longer
    involved in the project, and a procedure that went out of use stays choosable for
    the point that already has it.
    """

    version = forms.IntegerField(widget=forms.HiddenInput)
    OPTIONAL_FIELDS = ("description", "category", "purpose_question")

    def __init__(self, *args: Any, point: FrictionPoint, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "edit_%s")
        current = list(point.departments.all())
        kwargs.setdefault(
            "initial",
            {
                "title": point.title,
                "departments": [d.pk for d in current],
                "procedure": point.procedure_id,
                "severity": point.severity,
                "description": point.description,
                "category": point.category,
                "purpose_question": point.purpose_question,
                "version": point.version,
            },
        )
        super().__init__(*args, project=point.project, **kwargs)
        del self.fields["support_asked"]
        self.point = point

        departments = self.fields["departments"]
        departments.queryset = (
            Department.objects.filter(
                Q(involvements__project=point.project) | Q(pk__in=[d.pk for d in current])
            )
            .distinct()
            .order_by("name")
        )
        departments.choices = [(d.pk, d.name) for d in departments.queryset]

        procedure = self.fields["procedure"]
        procedure.queryset = (
            Procedure.objects.filter(Q(is_active=True) | Q(pk=point.procedure_id))
            .select_related("department")
            .order_by("department__name", "department_id", "name")
        )
        if point.procedure_id is not None and not point.procedure.is_active:
            procedure.choices = list(procedure.iterator(procedure))
        self.mark_required()

    def service_kwargs(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        return {
            "expected_version": cleaned["version"],
            "title": cleaned["title"],
            "severity": cleaned["severity"],
            "departments": self.chosen_departments(),
            "procedure": cleaned["procedure"],
            "description": cleaned["description"],
            "category": cleaned["category"],
            "purpose_question": cleaned["purpose_question"],
        }
