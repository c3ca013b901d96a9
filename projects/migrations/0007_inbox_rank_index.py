# A covering index for the department inbox, on PostgreSQL only.
#
# The inbox ranks a department's points (thousands of them) by status, severity and age,
# on active projects: reading those columns from this narrow index instead of the wide
# rows halves its main query at 100,000 points. SQLite has no covering indexes (and the
# model-level Index(include=...) would warn on every check there), so the index is not
# declared on the model but created here where the database supports it.

from django.db import migrations

INDEX = "friction_inbox_rank"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON projects_frictionpoint (id) "
            "INCLUDE (status, severity, created_at, project_id, archived_at)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_friction_update_kinds"),
    ]

    operations = [migrations.RunPython(create, drop)]
