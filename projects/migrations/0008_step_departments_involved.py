"""A milestone that needs a department's procedure involves that department (adviserend),
as the project pages now do: existing projects are brought in line, so the head of such a
department may open the project and hears of its flags (and nobody hears of a project
they cannot open)."""

from __future__ import annotations

from django.db import migrations


def involve_step_departments(apps, schema_editor):
    ProcedureStep = apps.get_model("projects", "ProcedureStep")
    DepartmentInvolvement = apps.get_model("projects", "DepartmentInvolvement")
    needed = set(
        ProcedureStep.objects.values_list("milestone__project_id", "procedure__department_id")
    )
    existing = set(DepartmentInvolvement.objects.values_list("project_id", "department_id"))
    DepartmentInvolvement.objects.bulk_create(
        [
            DepartmentInvolvement(project_id=project, department_id=department, role="adviserend")
            for project, department in sorted(needed - existing)
        ],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [("projects", "0007_inbox_rank_index")]

    operations = [
        migrations.RunPython(involve_step_departments, migrations.RunPython.noop, elidable=True)
    ]
