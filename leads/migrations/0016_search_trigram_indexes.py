"""Trigram indexes for the inbox's search on PostgreSQL: the contacts' name, email and
company, and the submissions' email, as Django's `icontains` compares them (UPPER(...) LIKE
'%...%'), so a search reads the index instead of every row. SQLite has no such index: there the
inbox searches the (small) contact table first, then those contacts' submissions
(leads/admin/inbox/views.py). pg_trgm ships with PostgreSQL; creating it needs the rights the
migrations already run with in our deployments (docs/production.md)."""

from django.db import migrations

INDEXES = {
    "leads_contact_name_trgm": ("leads_contact", "name"),
    "leads_contact_email_trgm": ("leads_contact", "email"),
    "leads_contact_company_trgm": ("leads_contact", "company"),
    "leads_submission_email_trgm": ("leads_submission", "email"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER("{column}"::text) '
            "gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("leads", "0015_cta_email_subject")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
