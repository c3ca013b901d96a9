from __future__ import annotations

import pytest

from projects.forms.friction import (
    FrictionCloseForm,
    FrictionCommentForm,
    FrictionPointForm,
    FrictionStatusForm,
)
from projects.models import FrictionPoint
from tests.factories import (
    DepartmentFactory,
    DepartmentInvolvementFactory,
    FrictionPointFactory,
    ProcedureFactory,
    ProjectFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return ProjectFactory()


@pytest.fixture
def involved(project):
    return DepartmentInvolvementFactory(
        project=project, department__name="Juridische Zaken"
    ).department


@pytest.fixture
def elsewhere():
    return DepartmentFactory(name="Inkoop", sector=SectorFactory(name="Bedrijfsvoering"))


def form_for(project, **data):
    return FrictionPointForm({"title": "Te laat", "severity": "2", **data}, project=project)


class TestFrictionPointForm:
    def test_involved_departments_are_the_first_choice(self, project, involved, elsewhere):
        form = FrictionPointForm(project=project)

        assert list(form.fields["departments"].queryset) == [involved]
        assert list(form.fields["other_department"].queryset) == [elsewhere]

    def test_it_accepts_an_involved_department_and_another_one(self, project, involved, elsewhere):
        form = form_for(project, departments=[involved.pk], other_department=elsewhere.pk)

        assert form.is_valid(), form.errors
        assert form.chosen_departments() == [involved, elsewhere]

    def test_it_refuses_a_department_outside_the_project_among_the_involved(
        self, project, involved, elsewhere
    ):
        form = form_for(project, departments=[elsewhere.pk])

        assert not form.is_valid()
        assert "departments" in form.errors

    @pytest.mark.parametrize("department_id", ["999999", "abc"])
    def test_it_refuses_an_unknown_department(self, project, involved, department_id):
        form = form_for(project, departments=[department_id])

        assert not form.is_valid()
        assert "departments" in form.errors

    def test_it_asks_where_it_chafes(self, project, involved):
        form = form_for(project)

        assert not form.is_valid()
        assert form.errors["departments"] == [
            "Geef aan waar het wringt: kies een afdeling, een procedure of allebei."
        ]

    def test_a_procedure_alone_is_enough(self, project):
        procedure = ProcedureFactory()

        form = form_for(project, procedure=procedure.pk)

        assert form.is_valid(), form.errors
        assert form.cleaned_data["procedure"] == procedure
        assert form.chosen_departments() == []

    def test_it_offers_only_active_procedures_grouped_by_department(self, project):
        legal = DepartmentFactory(name="Juridische Zaken")
        ProcedureFactory(department=legal, name="Juridische toets")
        ProcedureFactory(department=DepartmentFactory(name="Financien"), name="Begrotingswijziging")
        retired = ProcedureFactory(department=legal, name="Oude toets", is_active=False)

        html = str(FrictionPointForm(project=project)["procedure"])

        assert '<optgroup label="Financien">' in html
        assert '<optgroup label="Juridische Zaken">' in html
        assert (
            html.index("Financien")
            < html.index("Begrotingswijziging")
            < html.index("Juridische Zaken")
        )
        assert "Oude toets" not in html
        assert not form_for(project, procedure=retired.pk).is_valid()

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"title": ""}, "title"),
            ({"title": "x" * 201}, "title"),
            ({"severity": "9"}, "severity"),
            ({"procedure": "999999"}, "procedure"),
            ({"category": "onbekend"}, "category"),
            ({"support_asked": "geld"}, "support_asked"),
        ],
    )
    def test_it_refuses_bad_input(self, project, involved, data, field):
        form = form_for(project, departments=[involved.pk], **data)

        assert not form.is_valid()
        assert field in form.errors

    def test_severity_is_a_number(self, project, involved):
        form = form_for(project, departments=[involved.pk], severity="4")

        assert form.is_valid()
        assert form.cleaned_data["severity"] == FrictionPoint.Severity.BLOCKING

    def test_the_optional_part_opens_when_it_holds_something(self, project, involved):
        assert not FrictionPointForm(project=project).show_optional
        assert not form_for(project, departments=[involved.pk]).show_optional
        assert form_for(
            project, departments=[involved.pk], description="Lang verhaal"
        ).show_optional
        assert form_for(project, departments=[involved.pk], category="x").show_optional


class TestFrictionCloseForm:
    def test_it_needs_an_approach(self):
        form = FrictionCloseForm(
            {"approach": "", "lesson_learned": "Les"}, point=FrictionPointFactory.build()
        )

        assert not form.is_valid()
        assert "approach" in form.errors

    def test_it_needs_a_lesson_for_a_persons_point_and_says_why(self):
        form = FrictionCloseForm({"approach": "koesteren"}, point=FrictionPointFactory.build())

        assert not form.is_valid()
        assert "lesson_learned" in form.errors
        assert "vallen en opstaan" in form.fields["lesson_learned"].help_text

    def test_the_lesson_is_optional_for_an_automatic_flag(self):
        point = FrictionPointFactory.build(automatic=True)

        form = FrictionCloseForm({"approach": "bestuur"}, point=point)

        assert form.is_valid(), form.errors


class TestFrictionCommentForm:
    def test_it_needs_text(self):
        form = FrictionCommentForm({"text": ""}, point=FrictionPointFactory.build())

        assert not form.is_valid()
        assert "text" in form.errors

    def test_support_can_be_asked_on_an_open_point(self):
        form = FrictionCommentForm(
            {"text": "Hulp?", "support_asked": "kennis"}, point=FrictionPointFactory.build()
        )

        assert form.is_valid()
        assert form.cleaned_data["support_asked"] == "kennis"

    @pytest.mark.parametrize(
        "point_kwargs",
        [{"closed": True}, {"support": True}],
        ids=["closed", "support-pending"],
    )
    def test_support_cannot_be_asked_again_or_when_closed(self, point_kwargs):
        form = FrictionCommentForm(point=FrictionPointFactory.build(**point_kwargs))

        assert "support_asked" not in form.fields


def test_the_status_form_knows_every_status_so_the_service_can_explain_refusals():
    assert FrictionStatusForm({"status": "vervallen"}).is_valid()
    assert not FrictionStatusForm({"status": "weg"}).is_valid()


def test_required_fields_are_announced_without_the_browsers_own_validation():
    form = FrictionCloseForm(point=FrictionPointFactory.build())

    html = str(form["lesson_learned"])

    assert 'aria-required="true"' in html
    assert " required" not in html


def test_an_optional_lesson_is_not_announced_as_required():
    form = FrictionCloseForm(point=FrictionPointFactory.build(automatic=True))

    assert "aria-required" not in str(form["lesson_learned"])
