"""The Sales and Sales managers groups: lead rights and no page-editing rights.

Sales view, review (change) and export submissions and contacts; Sales managers also delete
them and edit the lead settings (notification inbox, CRM webhook) and the blocked domains.
"""

from django.db import migrations

SALES = {
    "wagtailadmin": ["access_admin"],
    "leads": [
        "view_submission",
        "change_submission",
        "export_submission",
        "view_contact",
        "change_contact",
    ],
}
MANAGERS = {
    "wagtailadmin": ["access_admin"],
    "leads": [
        *SALES["leads"],
        "delete_submission",
        "delete_contact",
        "change_leadsettings",
        *(f"{action}_blockedemaildomain" for action in ("add", "change", "delete", "view")),
    ],
}
GROUPS = {"Sales": SALES, "Sales managers": MANAGERS}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; these groups need them now. The
    # migration state's app config has no models module, which create_permissions checks.
    # (wagtailadmin.access_admin is created by the wagtailadmin migration depended on below.)
    app_config = apps.get_app_config("leads")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, rights in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codenames in rights.items():
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0004_submission_export_permission"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
