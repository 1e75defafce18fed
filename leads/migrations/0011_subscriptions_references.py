"""A random public reference on contacts, submissions and subscriptions: the signed links we
email name it instead of the sequential id (leads/tokens.py).

Added nullable, filled for the existing rows (each its own random value, in one UPDATE per
table), then made required and unique.
"""

import uuid

from django.db import migrations, models

MODELS = {
    "contact": "unsubscribe",
    "submission": "the thank-you page and the download (a new one on erasure)",
    "subscription": "confirm it",
}

# One statement per table, where the database can make a random UUID itself.
RANDOM_UUID = {
    "postgresql": "gen_random_uuid()",  # PostgreSQL 13+
    "sqlite": "lower(hex(randomblob(16)))",  # Django stores a UUID as 32 hex digits on SQLite
}


def fill_references(apps, schema_editor):
    connection = schema_editor.connection
    for name in MODELS:
        model = apps.get_model("leads", name)
        random_uuid = RANDOM_UUID.get(connection.vendor)
        if random_uuid:
            table = schema_editor.quote_name(model._meta.db_table)
            column = schema_editor.quote_name("reference")
            schema_editor.execute(
                f"UPDATE {table} SET {column} = {random_uuid} WHERE {column} IS NULL"  # noqa: S608
            )
            continue
        for pk in model.objects.filter(reference__isnull=True).values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(reference=uuid.uuid4())


def field(what, **options):
    return models.UUIDField(
        "public reference",
        editable=False,
        help_text=f"Random, e.g. '5f0c9a6e-...'; named by the signed links to {what} instead of "
        "the id.",
        **options,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0010_owners_lead_workers_and_one_line"),
    ]

    operations = [
        *(
            migrations.AddField(model_name=name, name="reference", field=field(what, null=True))
            for name, what in MODELS.items()
        ),
        migrations.RunPython(fill_references, migrations.RunPython.noop, elidable=True),
        *(
            migrations.AlterField(
                model_name=name, name="reference", field=field(what, default=uuid.uuid4)
            )
            for name, what in MODELS.items()
        ),
        *(
            migrations.AddConstraint(
                model_name=name,
                constraint=models.UniqueConstraint(
                    fields=["reference"], name=f"{name}_reference_unique"
                ),
            )
            for name in MODELS
        ),
    ]
