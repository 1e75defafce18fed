"""Plain INSERTs for the lead path: the SQL the ORM would write, built once per model.

Every lead writes a contact, a submission and its deliveries in one transaction.
Through `Model.save()` and `bulk_create()` the ORM builds the same SQL again for every
statement (query objects, compilers, expression checks, signals), which costs far more CPU
than the database spends running it (figures in docs/performance.md). These helpers keep
what matters of the ORM's work: every concrete field's own `pre_save()` (auto_now and friends)
and `get_db_prep_save()` (JSON, datetimes, UUIDs, per backend), and the instances come back
with their ids, as after `save()`. They skip `pre_save`/`post_save` signals: use them only for
models without receivers (tests/leads/test_rows.py checks that none is connected to them).
"""

from functools import cache

from django.db import connection
from django.db.models import Model

# Models that go through these helpers. Adding one: check that nothing listens to its signals.
# (Not the task row: django-tasks-db sets its run_after in a pre_save receiver.)
MODELS_WITHOUT_SIGNALS = (
    "leads.Contact",
    "leads.Submission",
    "leads.Delivery",
    "leads.ConsentRecord",
)


@cache
def _columns(model: type[Model], vendor: str) -> tuple[list, str]:
    """The fields an INSERT writes (a database-generated id is left out) and the start of the
    statement that names their columns."""
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and field.db_returning)
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    # Identifiers from the model's own metadata, quoted; every value is a parameter.
    return fields, f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608


def _values(objects, fields) -> tuple[str, list]:
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = [
        field.get_db_prep_save(field.pre_save(instance, add=True), connection)
        for instance in objects
        for field in fields
    ]
    return ", ".join([row] * len(objects)), params


def _returning(model: type[Model]) -> str:
    pk = model._meta.pk
    if not pk.db_returning:
        return ""
    return " RETURNING " + connection.ops.quote_name(pk.column)


def _stored(objects, ids) -> None:
    for instance, pk in zip(objects, ids, strict=True):
        if pk is not None:
            instance.pk = pk
        instance._state.adding = False
        instance._state.db = connection.alias


def insert(objects: list[Model]) -> None:
    """INSERT new instances of one model in one statement, and give each its id.

    `objects` are unsaved instances, already validated as the caller needs. Raises the
    database's IntegrityError for a broken constraint, as `save()` would.
    """
    if not objects:
        return
    model = type(objects[0])
    fields, start = _columns(model, connection.vendor)
    values, params = _values(objects, fields)
    returning = _returning(model)
    with connection.cursor() as cursor:
        cursor.execute(start + values + returning, params)
        ids = [row[0] for row in cursor.fetchall()] if returning else [None] * len(objects)
    _stored(objects, ids)


def upsert(
    instance: Model, *, unique: list[str], update: list[str], merge=(), returning=()
) -> None:
    """INSERT the instance, or on a conflict with the row holding the same `unique` fields
    UPDATE that row's `update` fields to the instance's values, and merge its JSON object
    fields in `merge` into the row's (keys given now win); the instance gets the id of the
    row written either way, and the values of the `returning` fields the row holds. One
    statement: atomic under any concurrency, with no savepoint.
    """
    model = type(instance)
    fields, start = _columns(model, connection.vendor)
    values, params = _values([instance], fields)
    quote = connection.ops.quote_name
    by_name = {field.name: field for field in fields}
    target = ", ".join(quote(by_name[name].column) for name in unique)
    assignments = [
        f"{quote(by_name[name].column)} = EXCLUDED.{quote(by_name[name].column)}" for name in update
    ]
    table = quote(model._meta.db_table)
    for name in merge:
        column = quote(by_name[name].column)
        if connection.vendor == "postgresql":
            merged = f"{table}.{column} || EXCLUDED.{column}"
        else:  # SQLite's JSON1: keys of the second object replace the first's
            merged = f"json_patch({table}.{column}, EXCLUDED.{column})"
        assignments.append(f"{column} = {merged}")
    assignments = ", ".join(assignments)
    sql = f"{start}{values} ON CONFLICT ({target}) DO UPDATE SET {assignments}"
    extra = [model._meta.get_field(name) for name in returning]
    returned = _returning(model) + "".join(f", {quote(field.column)}" for field in extra)
    with connection.cursor() as cursor:
        cursor.execute(sql + returned, params)
        row = cursor.fetchone()
    _stored([instance], [row[0]])
    for field, value in zip(extra, row[1:], strict=True):
        for converter in field.get_db_converters(connection):
            value = converter(value, None, connection)
        setattr(instance, field.attname, field.to_python(value))
