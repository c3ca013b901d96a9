"""The Beheerder may see and delete people's second-factor devices in the admin: the way
back in for someone who lost both phone and recovery codes. Not add or change: nobody sets
up an app, or reads its secret, for someone else."""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    ("otp_totp", "totpdevice"): ("view", "delete"),
    ("otp_static", "staticdevice"): ("view", "delete"),
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # Permissions are normally created after all migrations; the grant needs them now.
    for app_label in {app_label for app_label, _ in GRANTS}:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    group, _ = Group.objects.get_or_create(name="Beheerder")
    for (app_label, model), actions in GRANTS.items():
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Beheerder").first()
    if group is None:
        return
    for (app_label, model), actions in GRANTS.items():
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_oidc_identity"),
        ("projects", "0002_roles"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
