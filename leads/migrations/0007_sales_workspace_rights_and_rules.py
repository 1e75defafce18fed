"""Rights for the sales workspace, and a starting set of scoring rules.

Sales read and write notes (editing only their own is enforced by leads/services.py) and read
the scoring rules and campaigns; Sales managers also edit the rules, the scoring settings and
campaign spend.
"""

from django.db import migrations

SALES = ["view_note", "add_note", "change_note", "view_scoringrule", "view_campaign"]
MANAGERS = [
    *SALES,
    "delete_note",
    *(f"{action}_scoringrule" for action in ("add", "change", "delete")),
    "change_scoringsettings",
    *(f"{action}_campaign" for action in ("add", "change", "delete")),
]
GROUPS = {"Sales": SALES, "Sales managers": MANAGERS}

# (signal, field, value, points, label, decays)
RULES = [
    ("cta_kind", "", "quote", 40, "quote request", True),
    ("cta_kind", "", "webinar", 20, "webinar registration", True),
    ("cta_kind", "", "download", 15, "download", True),
    ("cta_kind", "", "newsletter", 5, "newsletter signup", True),
    ("repeat", "", "", 5, "repeat engagement", True),
    ("email_domain", "", "business", 10, "business domain", False),
    ("email_domain", "", "free", -5, "free-mail address", False),
    ("answer", "budget", "over-50k", 25, "budget over $50k", False),
    ("answer", "budget", "20k-50k", 15, "budget $20k to $50k", False),
    ("answer", "budget", "5k-20k", 5, "budget $5k to $20k", False),
    ("answer", "timeline", "now", 15, "buying now", False),
    ("answer", "timeline", "quarter", 10, "buying within 3 months", False),
    ("answer", "timeline", "half", 5, "buying within 6 months", False),
]


def forwards(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("leads")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="leads", codename__in=codenames)
        )
    ScoringRule = apps.get_model("leads", "ScoringRule")
    for signal, field, value, points, label, decays in RULES:
        ScoringRule.objects.get_or_create(
            signal=signal,
            field=field,
            value=value,
            defaults={"points": points, "label": label, "decays": decays},
        )


def backwards(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="leads", codename__in=GROUPS[group.name]
            )
        )


class Migration(migrations.Migration):
    dependencies = [("leads", "0006_sales_workspace")]

    operations = [migrations.RunPython(forwards, backwards)]
