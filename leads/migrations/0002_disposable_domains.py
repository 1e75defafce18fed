"""Seed the blocked email domains with well-known disposable-address services (editable)."""

from django.db import migrations

DISPOSABLE = [
    "10minutemail.com",
    "dispostable.com",
    "emailondeck.com",
    "fakeinbox.com",
    "getairmail.com",
    "getnada.com",
    "guerrillamail.com",
    "guerrillamail.net",
    "guerrillamailblock.com",
    "maildrop.cc",
    "mailinator.com",
    "mailnesia.com",
    "mintemail.com",
    "mohmal.com",
    "mytemp.email",
    "sharklasers.com",
    "spamgourmet.com",
    "temp-mail.org",
    "tempail.com",
    "tempmail.dev",
    "tempmailo.com",
    "tempr.email",
    "throwawaymail.com",
    "trashmail.com",
    "yopmail.com",
]


def seed(apps, schema_editor):
    BlockedEmailDomain = apps.get_model("leads", "BlockedEmailDomain")
    for domain in DISPOSABLE:
        BlockedEmailDomain.objects.get_or_create(
            domain=domain, defaults={"note": "Disposable address service (seeded)"}
        )


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
