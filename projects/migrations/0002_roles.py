"""Create the four roles as auth groups with their model permissions.

Object-level rules (whose project, which department) live in projects/permissions.py;
these group permissions decide what each role may do at all, in particular in the admin.
"""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ("add", "change", "delete", "view")

ROLES: dict[str, dict[str, tuple[str, ...]]] = {
    "Projectleider": {
        "projects.project": ("add", "change", "view"),
        "projects.departmentinvolvement": ALL,
        "projects.stakeholderinvolvement": ALL,
        "projects.milestone": ALL,
        "projects.procedurestep": ALL,
        "projects.frictionpoint": ("add", "change", "view"),
        "projects.frictionupdate": ("add", "view"),
        "stakeholders.stakeholder": ("add", "change", "view"),
        "stakeholders.contact": ("add", "change", "view"),
        "governance.department": ("view",),
        "governance.procedure": ("view",),
    },
    "Bureauhoofd": {
        "projects.project": ("add", "change", "view"),
        "projects.departmentinvolvement": ALL,
        "projects.stakeholderinvolvement": ALL,
        "projects.milestone": ALL,
        "projects.procedurestep": ALL,
        "projects.frictionpoint": ("add", "change", "view"),
        "projects.frictionupdate": ("add", "view"),
        "stakeholders.stakeholder": ("add", "change", "view"),
        "stakeholders.contact": ("add", "change", "view"),
        "governance.department": ("view",),
        "governance.procedure": ("view",),
    },
    "Afdelingshoofd": {
        "projects.project": ("view",),
        "projects.frictionpoint": ("add", "change", "view"),
        "projects.frictionupdate": ("add", "view"),
        "stakeholders.stakeholder": ("view",),
        "governance.department": ("view",),
        "governance.procedure": ("change", "view"),
    },
    "Beheerder": {
        **{
            f"governance.{model}": ALL
            for model in ("sector", "department", "procedure", "meetingcalendar", "meeting", "closedday")
        },
        **{f"stakeholders.{model}": ALL for model in ("stakeholder", "contact")},
        **{
            f"projects.{model}": ALL
            for model in (
                "project",
                "departmentinvolvement",
                "stakeholderinvolvement",
                "milestone",
                "procedurestep",
                "frictionpoint",
                "frictionupdate",
            )
        },
        "auth.user": ("add", "change", "view"),
        "auth.group": ("view",),
    },
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    assign_roles(apps)


def assign_roles(apps):
    """Create the groups and give each its permissions (also used by the test factories)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = []
        for label, actions in grants.items():
            app_label, model = label.split(".")
            permissions.extend(
                Permission.objects.filter(
                    content_type__app_label=app_label,
                    content_type__model=model,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
            )
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
        ("governance", "0001_initial"),
        ("stakeholders", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
