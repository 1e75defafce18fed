"""Indexes for the inbox's search (leads/search.py), so that a search reads an index instead of
every row:

- PostgreSQL: trigram (pg_trgm) GIN indexes on the contacts' name, email and company and on the
  submissions' email, name, company and message, as Django's `icontains` compares them
  (UPPER(...) LIKE '%...%'). pg_trgm ships with PostgreSQL; creating it needs the rights the
  migrations already run with in our deployments (docs/production.md).
- SQLite: the FTS5 trigram tables `leads_contact_search` and `leads_submission_search` and the
  triggers that keep them.
"""

from django.db import migrations

from leads.search import drop_sqlite_indexes, ensure_sqlite_indexes

TRIGRAM_INDEXES = {
    "leads_contact_name_trgm": ("leads_contact", '"name"'),
    "leads_contact_email_trgm": ("leads_contact", '"email"'),
    "leads_contact_company_trgm": ("leads_contact", '"company"'),
    "leads_submission_email_trgm": ("leads_submission", '"email"'),
    "leads_submission_name_trgm": ("leads_submission", "(\"answers\" ->> 'name')"),
    "leads_submission_company_trgm": ("leads_submission", "(\"answers\" ->> 'company')"),
    "leads_submission_message_trgm": ("leads_submission", "(\"answers\" ->> 'message')"),
}


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        ensure_sqlite_indexes(connection, create=True)
    if connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER({column}::text) "
            "gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    connection = schema_editor.connection
    drop_sqlite_indexes(connection)
    if connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("leads", "0015_cta_email_subject")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
