"""Editors and Moderators write and send email: emails, broadcasts, lists, segments and
sequences (add, change, view; no delete), and Moderators set the sender details (Email
settings). Nothing else: no sends, enrolments, subscriptions or suppressions, which name
people. Sales need none of these screens."""

from django.db import migrations

GROUPS = ("Editors", "Moderators")
ACTIONS = ("add", "change", "view")
MODELS = {
    "mailings": ("email", "broadcast", "segment", "sequence"),
    "leads": ("mailinglist",),
}
MODERATORS_ONLY = {"mailings": ("change_mailsettings", "view_mailsettings")}


def _create_permissions(apps):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; these are needed now. The
    # migration state's app config has no models module, which create_permissions checks.
    for label in MODELS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def _permissions(apps, codenames_by_app):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, codenames in codenames_by_app.items():
        found += Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
    return found


def _by_group(apps):
    Group = apps.get_model("auth", "Group")
    shared = _permissions(
        apps,
        {
            app: [f"{action}_{model}" for action in ACTIONS for model in models]
            for app, models in MODELS.items()
        },
    )
    moderators = _permissions(apps, MODERATORS_ONLY)
    for group in Group.objects.filter(name__in=GROUPS):
        yield group, shared + (moderators if group.name == "Moderators" else [])


def grant(apps, schema_editor):
    _create_permissions(apps)
    for group, permissions in _by_group(apps):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    for group, permissions in _by_group(apps):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("mailings", "0001_initial"),
        ("leads", "0020_mailing_lists"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
