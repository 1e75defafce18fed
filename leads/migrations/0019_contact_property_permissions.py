"""Sales managers add, change and delete contact properties (leads/admin/properties.py); Sales
see none of them."""

from django.db import migrations

MANAGERS = [f"{action}_contactproperty" for action in ("add", "change", "delete", "view")]


def forwards(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("leads")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Sales managers")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="leads", codename__in=MANAGERS)
    )


def backwards(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="Sales managers"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="leads", codename__in=MANAGERS)
        )


class Migration(migrations.Migration):
    dependencies = [("leads", "0018_form_builder")]

    operations = [migrations.RunPython(forwards, backwards)]
