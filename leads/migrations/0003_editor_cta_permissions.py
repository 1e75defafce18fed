"""Editors and Moderators manage the CTA library (no access to leads themselves)."""

from django.db import migrations

GROUPS = ("Editors", "Moderators")
MODELS = ("calltoaction", "topiccta")
ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; this one needs them now. The
    # migration state's app config has no models module, which create_permissions checks.
    app_config = apps.get_app_config("leads")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    for group, permissions in cta_permissions_by_group(apps):
        group.permissions.add(*permissions)


def cta_permissions_by_group(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(
        Permission.objects.filter(
            content_type__app_label="leads",
            codename__in=[f"{action}_{model}" for action in ACTIONS for model in MODELS],
        )
    )
    return [(group, permissions) for group in Group.objects.filter(name__in=GROUPS)]


def revoke(apps, schema_editor):
    for group, permissions in cta_permissions_by_group(apps):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0002_disposable_domains"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
