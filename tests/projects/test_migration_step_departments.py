"""Migration 0008 involves the departments whose procedures existing milestones need."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from tests.factories import (
    DepartmentFactory,
    DepartmentInvolvementFactory,
    MilestoneFactory,
    ProcedureFactory,
    ProcedureStepFactory,
)

pytestmark = pytest.mark.django_db

migration = importlib.import_module("projects.migrations.0008_step_departments_involved")


def test_existing_steps_involve_their_departments():
    legal, own = DepartmentFactory(code="jz"), DepartmentFactory(code="ru")
    milestone = MilestoneFactory()
    project = milestone.project
    DepartmentInvolvementFactory(project=project, department=own, role="trekker")
    for department in (legal, own, legal):
        ProcedureStepFactory(milestone=milestone, procedure=ProcedureFactory(department=department))

    migration.involve_step_departments(apps, None)
    migration.involve_step_departments(apps, None)  # twice: nothing more

    rows = set(project.department_involvements.values_list("department__code", "role"))
    assert rows == {("ru", "trekker"), ("jz", "adviserend")}
