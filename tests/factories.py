"""factory-boy factories for every model. Roles are the groups of the data migration."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

import factory
from django.apps import apps as django_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, User
from django.utils import timezone

from governance.models import (
    ClosedDay,
    Department,
    Meeting,
    MeetingCalendar,
    Procedure,
    Role,
    Sector,
)
from projects.models import (
    Agreement,
    DepartmentInvolvement,
    FollowUp,
    FrictionPoint,
    FrictionUpdate,
    Interaction,
    InteractionParticipant,
    Milestone,
    ProcedureStep,
    Project,
    StakeholderInvolvement,
)
from stakeholders.models import Contact, Stakeholder


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda u: f"{u.username}@gemeente.example")
    password = factory.django.Password("binnenbuiten")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs) -> None:
        """``UserFactory(role=Role.COMMISSIONER)`` puts the user in that role's group."""
        _join_role(self, create, extracted)


def role_group(role: str) -> Group:
    """The role's group. A transactional test (live server, real worker) flushes the rows
    of the roles data migration, so they are recreated here when missing."""
    try:
        return Group.objects.get(name=role)
    except Group.DoesNotExist:
        for app_config in django_apps.get_app_configs():
            create_permissions(app_config, verbosity=0)
        import_module("projects.migrations.0002_roles").assign_roles(django_apps)
        return Group.objects.get(name=role)


def _join_role(user: User, create: bool, role: str | None) -> None:
    if create and role:
        user.groups.add(role_group(role))
        if role == Role.ADMINISTRATOR:
            user.is_staff = True
            user.save(update_fields=["is_staff"])


def _role_factory(default_role: str) -> factory.PostGeneration:
    return factory.PostGeneration(
        lambda user, create, extracted, **kwargs: _join_role(
            user, create, extracted or default_role
        )
    )


class LeaderFactory(UserFactory):
    role = _role_factory(Role.PROJECT_LEADER)


class CommissionerFactory(UserFactory):
    role = _role_factory(Role.COMMISSIONER)


class DepartmentHeadFactory(UserFactory):
    role = _role_factory(Role.DEPARTMENT_HEAD)


class AdministratorFactory(UserFactory):
    role = _role_factory(Role.ADMINISTRATOR)


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    name = factory.Sequence(lambda n: f"Sector {n}")
    code = factory.Sequence(lambda n: f"sector-{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    sector = factory.SubFactory(SectorFactory)
    name = factory.Sequence(lambda n: f"Afdeling {n}")
    code = factory.Sequence(lambda n: f"afdeling-{n}")
    head = None

    class Params:
        with_head = factory.Trait(head=factory.SubFactory(DepartmentHeadFactory))


class MeetingCalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingCalendar

    name = factory.Sequence(lambda n: f"Collegevergadering {n}")
    body = MeetingCalendar.Body.COLLEGE
    agenda_deadline_days = 10


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    calendar = factory.SubFactory(MeetingCalendarFactory)
    date = factory.Sequence(lambda n: dt.date(2027, 1, 5) + dt.timedelta(weeks=n))
    agenda_deadline = factory.LazyAttribute(lambda m: m.date - dt.timedelta(days=14))


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"Procedure {n}")
    kind = Procedure.Kind.OTHER
    lead_time_days = 10
    meeting_calendar = None


class ClosedDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClosedDay

    date = factory.Sequence(lambda n: dt.date(2027, 12, 27) + dt.timedelta(days=n))
    reason = "Collectieve sluiting"


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stakeholder

    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = Stakeholder.Kind.COMPANY


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    stakeholder = factory.SubFactory(StakeholderFactory)
    name = factory.Faker("name", locale="nl_NL")
    role = "Projectmanager"
    email = factory.Sequence(lambda n: f"contact{n}@partner.example")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"Samenwerkingsproject {n}")
    purpose = "Samen met partners de wijk leefbaarder maken."
    status = Project.Status.EXECUTION
    leader = factory.SubFactory(LeaderFactory)
    commissioner = factory.SubFactory(CommissionerFactory)
    is_confidential = False

    class Params:
        confidential = factory.Trait(is_confidential=True)
        archived = factory.Trait(archived_at=factory.LazyFunction(timezone.now))


class DepartmentInvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DepartmentInvolvement

    project = factory.SubFactory(ProjectFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = DepartmentInvolvement.Role.CONTRIBUTING


class StakeholderInvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StakeholderInvolvement

    project = factory.SubFactory(ProjectFactory)
    stakeholder = factory.SubFactory(StakeholderFactory)
    role = StakeholderInvolvement.Role.PARTNER
    influence = 3
    interest = 4


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Mijlpaal {n}")
    kind = Milestone.Kind.SIGNING
    date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=90))


class ProcedureStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureStep

    milestone = factory.SubFactory(MilestoneFactory)
    procedure = factory.SubFactory(ProcedureFactory)
    status = ProcedureStep.Status.TO_START

    class Params:
        done = factory.Trait(
            status=ProcedureStep.Status.DONE, done_on=factory.LazyFunction(timezone.localdate)
        )


class FrictionPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FrictionPoint
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Knelpunt {n}")
    description = "Het college vergadert pas na de subsidiedeadline."
    category = FrictionPoint.Category.AGENDA
    severity = FrictionPoint.Severity.MEDIUM
    author = factory.SelfAttribute("project.leader")

    class Params:
        closed = factory.Trait(
            status=FrictionPoint.Status.CLOSED,
            approach=FrictionPoint.Approach.ORGANISE_DIFFERENTLY,
            lesson_learned="Eerder het gesprek aangaan met de afdeling.",
            closed_at=factory.LazyFunction(timezone.now),
        )
        automatic = factory.Trait(
            source=FrictionPoint.Source.AUTOMATIC,
            flag_kind=FrictionPoint.FlagKind.LEAD_TIME,
            author=None,
            severity=FrictionPoint.Severity.HIGH,
        )
        support = factory.Trait(
            support_asked=FrictionPoint.Support.KNOWLEDGE,
            support_requested_at=factory.LazyFunction(timezone.now),
        )

    @factory.post_generation
    def departments(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.departments.set(extracted)


class FrictionUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FrictionUpdate

    friction_point = factory.SubFactory(FrictionPointFactory)
    author = factory.SelfAttribute("friction_point.project.leader")
    kind = FrictionUpdate.Kind.COMMENT
    text = "Ik heb het gesprek met juridische zaken gevoerd."


# --- partners: contact moments, follow-ups, agreements --------------------------------------


class InteractionFactory(factory.django.DjangoModelFactory):
    """A contact moment on a project with one of its parties (the involvement is made
    too); ``party_level=True`` for one with the party as such."""

    class Meta:
        model = Interaction
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    stakeholder = factory.SubFactory(StakeholderFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=7))
    kind = Interaction.Kind.MEETING
    summary = "Besproken hoe de planning van de partner en die van het college passen."
    author = factory.LazyAttribute(lambda i: i.project.leader if i.project else None)

    class Params:
        party_level = factory.Trait(project=None, author=factory.SubFactory(LeaderFactory))

    @factory.post_generation
    def involved(self, create: bool, extracted, **kwargs) -> None:
        if create and self.project_id and extracted is not False:
            StakeholderInvolvement.objects.get_or_create(
                project=self.project, stakeholder=self.stakeholder
            )

    @factory.post_generation
    def contacts(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            InteractionParticipant.objects.bulk_create(
                InteractionParticipant(interaction=self, contact=contact) for contact in extracted
            )


class InteractionParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InteractionParticipant

    interaction = factory.SubFactory(InteractionFactory)
    contact = factory.SubFactory(
        ContactFactory, stakeholder=factory.SelfAttribute("..interaction.stakeholder")
    )
    staff = None


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    interaction = factory.SubFactory(InteractionFactory)
    description = "Conceptovereenkomst naar de partner sturen"
    owner = factory.LazyAttribute(
        lambda f: f.interaction.project.leader if f.interaction.project else LeaderFactory()
    )
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))

    class Params:
        done = factory.Trait(is_done=True, done_at=factory.LazyFunction(timezone.now))


class AgreementFactory(factory.django.DjangoModelFactory):
    """An open agreement we owe, due in a month, with a party involved in the project."""

    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    stakeholder = factory.SubFactory(StakeholderFactory)
    title = factory.Sequence(lambda n: f"Vergunning aanvragen {n}")
    owed_by = Agreement.OwedBy.US
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    status = Agreement.Status.OPEN
    author = factory.SelfAttribute("project.leader")

    class Params:
        overdue = factory.Trait(
            due_date=factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
        )
        theirs = factory.Trait(owed_by=Agreement.OwedBy.PARTY)

    @factory.post_generation
    def involved(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted is not False:
            StakeholderInvolvement.objects.get_or_create(
                project=self.project, stakeholder=self.stakeholder
            )
