"""Writing many seeded rows fast: `RowWriter` (executemany with ids chosen here),
`reset_sequences` afterwards, and `backdate` for the times `bulk_create` stamps as now."""

import datetime
from collections.abc import Sequence

from django.db import connections, router, transaction
from django.db.models import Max


class RowWriter:
    """Rows of one model written with executemany, ids included: the benchmark's hundreds of
    thousands of rows without building a model instance per row, as bulk_create does.

    Values are given by attribute name (`contact_id`, not `contact`); missing ones get the
    field's default. Only the value types the generator uses are adapted (datetimes, dates,
    JSON, UUIDs); call reset_sequences() afterwards, since ids are chosen here.
    """

    def __init__(self, model, connection, batch_size: int, *, after: Sequence["RowWriter"] = ()):
        self.model, self.connection, self.batch_size = model, connection, batch_size
        # Writers of the rows these point to: flushed first, so foreign keys hold.
        self.after = after
        self.fields = list(model._meta.concrete_fields)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        table = quote(model._meta.db_table)
        # The identifiers come from the model, quoted; the values are parameters.
        self.statement = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        self.adapters = [self.adapter(f) for f in self.fields]
        self.defaults = {
            f.attname: f.get_default() for f in self.fields if f.has_default() or f.null
        }
        # A callable default is called for each row, as Django does per instance: a public
        # reference (uuid4) must differ from row to row.
        self.per_row = {f.attname: f.get_default for f in self.fields if callable(f.default)}
        latest = model._default_manager.using(connection.alias).aggregate(latest=Max("pk"))
        self.next_id = (latest["latest"] or 0) + 1
        self.rows: list[tuple] = []
        self.written = 0

    def adapter(self, model_field):
        sqlite = self.connection.vendor == "sqlite"
        internal = model_field.get_internal_type()
        if internal == "DateTimeField" and sqlite:
            # As Django stores them on SQLite: naive UTC text.
            return lambda v: (
                None if v is None else str(v.astimezone(datetime.UTC).replace(tzinfo=None))
            )
        if internal == "DateField" and sqlite:
            return lambda v: None if v is None else v.isoformat()
        if internal == "JSONField":
            return lambda v: self.connection.ops.adapt_json_value(v, model_field.encoder)
        if internal == "UUIDField" and sqlite:
            return lambda v: None if v is None else v.hex
        return None

    def add(self, **values) -> int:
        """Queue one row; returns its id."""
        row_id = values["id"] = self.next_id
        self.next_id += 1
        row = []
        for model_field, adapt in zip(self.fields, self.adapters, strict=True):
            name = model_field.attname
            if name in values:
                value = values[name]
            else:
                value = self.per_row[name]() if name in self.per_row else self.defaults.get(name)
            row.append(adapt(value) if adapt else value)
        self.rows.append(tuple(row))
        if len(self.rows) >= self.batch_size:
            self.flush()
        return row_id

    def flush(self) -> None:
        for parent in self.after:
            parent.flush()
        if self.rows:
            with (
                transaction.atomic(using=self.connection.alias),
                self.connection.cursor() as cursor,
            ):
                cursor.executemany(self.statement, self.rows)
            self.written += len(self.rows)
            self.rows = []


def reset_sequences(connection, models) -> None:
    """After writing ids ourselves: PostgreSQL's sequences must continue past them."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def backdate(objects: Sequence, *fields: str) -> None:
    """Write the intended past times of `fields` on saved `objects`.

    bulk_create stamps auto_now and auto_now_add fields with the current time, so seeded
    history would all look written today. One executemany, because bulk_update's CASE per row
    is slow even for a few hundred rows.
    """
    if not objects:
        return
    meta = type(objects[0])._meta
    connection = connections[router.db_for_write(type(objects[0]))]
    quote = connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    # The identifiers come from the model, quoted; the values are parameters.
    statement = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
    params = [
        [column.get_db_prep_value(getattr(obj, column.attname), connection) for column in columns]
        + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(statement, params)
