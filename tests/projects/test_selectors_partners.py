"""Reads about the outside: who may contribute where (kept equal to permissions), the
register's list figures, overdue agreements for a commissioner and the portfolio grid."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from projects.models import Agreement, Project
from projects.permissions import Action, can
from projects.selectors.partners import (
    annotate_party_list,
    overdue_agreements_for_commissioner,
    portfolio_grid,
    portfolio_projects,
    portfolio_rows,
    projects_contributable_by,
    projects_editable_by,
)
from stakeholders.models import Stakeholder
from tests.factories import (
    AdministratorFactory,
    AgreementFactory,
    CommissionerFactory,
    DepartmentFactory,
    DepartmentHeadFactory,
    DepartmentInvolvementFactory,
    FrictionPointFactory,
    InteractionFactory,
    LeaderFactory,
    ProjectFactory,
    StakeholderFactory,
    StakeholderInvolvementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def personas():
    leader, commissioner, head = LeaderFactory(), CommissionerFactory(), DepartmentHeadFactory()
    open_project = ProjectFactory(leader=leader, commissioner=commissioner)
    secret = ProjectFactory(leader=leader, commissioner=commissioner, confidential=True)
    for project in (open_project, secret):
        DepartmentInvolvementFactory(project=project, department=DepartmentFactory(head=head))
    others = [ProjectFactory(), ProjectFactory(confidential=True)]
    # Still named as leader after losing the role: no access, as for anyone without one.
    role_less = UserFactory()
    others.append(ProjectFactory(leader=role_less))
    return {
        "users": [
            leader,
            commissioner,
            head,
            LeaderFactory(),
            AdministratorFactory(),
            UserFactory(),
            UserFactory(is_active=False),
            role_less,
        ],
        "projects": [open_project, secret, *others],
    }


def test_contributable_and_editable_match_the_permissions(personas):
    for user in personas["users"]:
        contributable = set(projects_contributable_by(user, Project.objects.all()))
        editable = set(projects_editable_by(user, Project.objects.all()))
        for project in personas["projects"]:
            assert (project in contributable) == can(user, Action.CONTRIBUTE, project), user
            assert (project in editable) == can(user, Action.EDIT, project), user


class TestPartyList:
    @time_machine.travel(NOW, tick=False)
    def test_it_counts_visible_projects_mine_and_the_last_contact(self):
        head = DepartmentHeadFactory()
        party = StakeholderFactory()
        secret = ProjectFactory(confidential=True)
        DepartmentInvolvementFactory(project=secret, department=DepartmentFactory(head=head))
        StakeholderInvolvementFactory(project=secret, stakeholder=party)
        StakeholderInvolvementFactory(project=ProjectFactory(), stakeholder=party)
        StakeholderInvolvementFactory(project=ProjectFactory(confidential=True), stakeholder=party)
        StakeholderInvolvementFactory(project=ProjectFactory(archived=True), stakeholder=party)
        InteractionFactory(project=secret, stakeholder=party, date=dt.date(2027, 2, 20))
        InteractionFactory(party_level=True, stakeholder=party, date=dt.date(2027, 1, 5))
        InteractionFactory(
            project=ProjectFactory(confidential=True), stakeholder=party, date=dt.date(2027, 2, 27)
        )

        def row(user):
            return annotate_party_list(Stakeholder.objects.filter(pk=party.pk), user).get()

        # The head of a department involved in the confidential project sees it too.
        seen = row(head)
        assert (seen.project_count, seen.my_project_count) == (2, 1)
        assert seen.last_contact == dt.date(2027, 2, 20)
        outsider = row(LeaderFactory())
        assert (outsider.project_count, outsider.my_project_count) == (1, 0)
        assert outsider.last_contact == dt.date(2027, 1, 5)
        assert row(AdministratorFactory()).last_contact == dt.date(2027, 2, 27)


class TestOverdueAgreements:
    @time_machine.travel(NOW, tick=False)
    def test_a_commissioner_gets_the_overdue_open_agreements_of_their_projects(self):
        commissioner = CommissionerFactory()
        mine = ProjectFactory(commissioner=commissioner)
        late = AgreementFactory(project=mine, due_date=dt.date(2027, 2, 1), title="Te laat")
        older = AgreementFactory(project=mine, due_date=dt.date(2027, 1, 1), theirs=True)
        AgreementFactory(project=mine, due_date=dt.date(2027, 3, 1))  # due today: not late
        AgreementFactory(
            project=mine, due_date=dt.date(2027, 1, 1), status=Agreement.Status.FULFILLED
        )
        AgreementFactory(project=ProjectFactory(), due_date=dt.date(2027, 1, 1))
        AgreementFactory(
            project=ProjectFactory(commissioner=commissioner, archived=True),
            due_date=dt.date(2027, 1, 1),
        )
        assert list(overdue_agreements_for_commissioner(commissioner)) == [older, late]
        assert len(overdue_agreements_for_commissioner(AdministratorFactory())) == 3

    @time_machine.travel(NOW, tick=False)
    def test_the_dashboard_may_pass_its_own_projects(self):
        commissioner = CommissionerFactory()
        first, second = (ProjectFactory(commissioner=commissioner) for _ in range(2))
        for project in (first, second):
            AgreementFactory(project=project, overdue=True)
        narrowed = overdue_agreements_for_commissioner(
            commissioner, projects=Project.objects.filter(pk=first.pk)
        )
        assert [a.project for a in narrowed] == [first]


class TestPortfolio:
    def test_it_averages_per_party_and_counts_open_friction_of_their_projects(self):
        commissioner = CommissionerFactory()
        big, small = StakeholderFactory(name="Provincie"), StakeholderFactory(name="Buurt")
        first = ProjectFactory(commissioner=commissioner)
        second = ProjectFactory(commissioner=commissioner)
        StakeholderInvolvementFactory(project=first, stakeholder=big, influence=5, interest=4)
        StakeholderInvolvementFactory(project=second, stakeholder=big, influence=4, interest=4)
        StakeholderInvolvementFactory(project=second, stakeholder=small, influence=1, interest=2)
        FrictionPointFactory.create_batch(2, project=first)
        FrictionPointFactory(project=second)
        FrictionPointFactory(project=second, closed=True)
        other = ProjectFactory()
        StakeholderInvolvementFactory(project=other, stakeholder=small, influence=5, interest=5)
        FrictionPointFactory(project=other)

        rows = list(portfolio_rows(portfolio_projects(user=commissioner, commissioner=None)))

        assert [row["stakeholder__name"] for row in rows] == ["Provincie", "Buurt"]
        provincie, buurt = rows
        assert provincie["project_count"] == 2
        assert float(provincie["avg_influence"]) == 4.5
        assert float(provincie["avg_interest"]) == 4.0
        assert provincie["open_friction"] == 3
        assert (buurt["project_count"], buurt["open_friction"]) == (1, 1)
        grid = portfolio_grid(rows, total=2)
        by_name = {point.row["stakeholder__name"]: point for point in grid.points}
        assert by_name["Provincie"].y < by_name["Buurt"].y  # more influence: higher up
        assert by_name["Provincie"].x > by_name["Buurt"].x  # more interest: further right
        assert by_name["Provincie"].radius > by_name["Buurt"].radius
        assert by_name["Provincie"].label == "Provincie (3)"

    def test_a_beheerder_chooses_the_commissioner(self):
        commissioner = CommissionerFactory()
        StakeholderInvolvementFactory(project=ProjectFactory(commissioner=commissioner))
        StakeholderInvolvementFactory(project=ProjectFactory())
        administrator = AdministratorFactory()
        chosen = portfolio_projects(user=administrator, commissioner=commissioner)
        assert [p.commissioner for p in chosen] == [commissioner]
        assert portfolio_projects(user=administrator, commissioner=None).count() == 2
        assert portfolio_projects(user=commissioner, commissioner=None).count() == 1
