"""The inbox's text search: which submissions a word or part of a word finds, by the person's
name, email or company, or the words of their message, fast on a big inbox.

A submission is found by its contact's details (the latest known) and by its own email and
answers (a quarantined one has no contact, and an older one may name a company the contact has
since left). Both databases answer "contains" from indexes:

- PostgreSQL: trigram (pg_trgm) GIN indexes on exactly what Django's `icontains` compares,
  UPPER(column) (migration 0016).
- SQLite: two FTS5 tables with the trigram tokenizer, `leads_contact_search` and
  `leads_submission_search`, kept in step by triggers on their tables (migration 0016, and
  after every `migrate`: `ensure_sqlite_indexes`). They hold no text, only its index
  (`content=''`); an erasure merges them so that the erased words' trigrams go too
  (`forget_erased`).

Words of one or two letters have no trigram to look up: they find contacts by name, email and
company only, reading the contacts table (see `matching`).

docs/performance.md, "Sales inbox", has the figures.
"""

import sqlite3
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import F, Lookup, Q
from django.db.models.expressions import RawSQL

from .identity import ascii_domain
from .models import Contact, Submission

CONTACT_FIELDS = ("name", "email", "company")
SUBMISSION_FIELDS = ("email", "answers__name", "answers__company", "answers__message")
TRIGRAM = 3  # the shortest word a trigram index can find


def terms(query: str) -> list[str]:
    """What is searched for: the query, and for a unicode domain ("bücher.example",
    "ana@bücher") also its stored form (addresses are stored with IDNA domains,
    leads/identity.py)."""
    found = [query]
    local, at, domain = query.rpartition("@")
    if not domain.isascii():
        encoded = ".".join(ascii_domain(label) if label else label for label in domain.split("."))
        found.append(f"{local}{at}{encoded}")
    return found


def matching(submissions, query: str):
    """The submissions of `submissions` whose person or answers contain `query` (any case)."""
    # Control characters match nothing stored, and PostgreSQL refuses a NUL in a query.
    words = terms("".join(char for char in query if char.isprintable()).strip())
    if not words[0]:
        return submissions.none()
    if min(len(word) for word in words) < TRIGRAM:
        # Reading every answer of a big inbox for two letters would take seconds.
        return submissions.filter(contact_id__in=contacts_containing(submissions.db, words))
    if connections[submissions.db].vendor == "sqlite":
        matched = RawSQL(SQLITE_MATCH, [fts_query(words)] * 2)  # noqa: S611 - a constant
        return submissions.filter(pk__in=matched)
    # PostgreSQL: both sides read their trigram indexes, and their ids are looked up in the
    # submissions' indexes (AnyOf); an IN (subquery), or the answers' conditions in the same
    # WHERE, would read every submission or recheck thousands of pages.
    on_submission = Q()
    for word in words:
        for field in SUBMISSION_FIELDS:
            on_submission |= Q(**{f"{field}__icontains": word})
    every = Submission.objects.using(submissions.db).order_by()
    contacts = contacts_containing(submissions.db, words)
    return submissions.filter(
        Q(AnyOf(F("contact_id"), contacts))
        | Q(AnyOf(F("pk"), every.filter(on_submission).values("pk")))
    )


class AnyOf(Lookup):
    """`lhs = ANY(ARRAY(subquery))` (PostgreSQL): the subquery runs once, and its values are
    looked up in the index of `lhs`, which the planner can OR with other indexes."""

    lookup_name = "any_of"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def contacts_containing(using: str, words: list[str]):
    """The ids of the contacts whose name, email or company contains one of `words`."""
    on_contact = Q()
    for word in words:
        for field in CONTACT_FIELDS:
            on_contact |= Q(**{f"{field}__icontains": word})
    return Contact.objects.using(using).filter(on_contact).order_by().values("pk")


def fts_query(words: list[str]) -> str:
    """`words` as an FTS5 query: each one's letters, whatever FTS5 syntax they hold, as a
    phrase; any of them."""
    return " OR ".join('"' + word.replace('"', '""') + '"' for word in words)


# The SQLite indexes -----------------------------------------------------------------------


@dataclass(frozen=True)
class SqliteIndex:
    """An FTS5 trigram index of `source`'s rows: `columns` maps each indexed column to the SQL
    that reads it from a row of `source` ({row}: NEW or OLD in a trigger, the table when
    filling). Names are constants of this module, never input."""

    name: str
    source: str
    columns: dict[str, str]
    watched: str  # the columns of `source` whose change changes what is indexed

    def values(self, row: str) -> str:
        return ", ".join(sql.format(row=row) for sql in self.columns.values())

    @property
    def create(self) -> str:
        return (
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.name} USING "
            f"fts5({', '.join(self.columns)}, content='', tokenize='trigram')"
        )

    @property
    def fill(self) -> str:
        return (
            f"INSERT INTO {self.name}(rowid, {', '.join(self.columns)}) "  # noqa: S608 - constants
            f"SELECT id, {self.values(self.source)} FROM {self.source}"
        )

    def command(self, command: str) -> str:
        return f"INSERT INTO {self.name}({self.name}) VALUES ('{command}')"  # noqa: S608

    @property
    def triggers(self) -> dict[str, str]:
        """{name: CREATE TRIGGER statement}. A contentless index forgets a row by being told
        the values it indexed: OLD's, exactly."""
        columns = ", ".join(self.columns)
        forget = (
            f"INSERT INTO {self.name}({self.name}, rowid, {columns}) "  # noqa: S608
            f"VALUES ('delete', old.id, {self.values('old')});"
        )
        index = (
            f"INSERT INTO {self.name}(rowid, {columns}) "  # noqa: S608
            f"VALUES (new.id, {self.values('new')});"
        )
        return {
            f"{self.name}_insert": (
                f"CREATE TRIGGER {self.name}_insert AFTER INSERT ON {self.source} BEGIN {index} END"
            ),
            f"{self.name}_delete": (
                f"CREATE TRIGGER {self.name}_delete AFTER DELETE ON {self.source} "
                f"BEGIN {forget} END"
            ),
            f"{self.name}_update": (
                f"CREATE TRIGGER {self.name}_update AFTER UPDATE OF {self.watched} "
                f"ON {self.source} BEGIN {forget} {index} END"
            ),
        }


CONTACT_INDEX = SqliteIndex(
    "leads_contact_search",
    "leads_contact",
    {"name": "{row}.name", "email": "{row}.email", "company": "{row}.company"},
    watched="name, email, company",
)
SUBMISSION_INDEX = SqliteIndex(
    "leads_submission_search",
    "leads_submission",
    {
        "email": "{row}.email",
        "name": "json_extract({row}.answers, '$.name')",
        "company": "json_extract({row}.answers, '$.company')",
        "message": "json_extract({row}.answers, '$.message')",
    },
    watched="email, answers",
)
SQLITE_INDEXES = (CONTACT_INDEX, SUBMISSION_INDEX)
# Submissions of the contacts found, and submissions found: a UNION lets SQLite read each from
# its index, where an OR of the two would visit every candidate row twice.
SQLITE_MATCH = """
SELECT id FROM leads_submission WHERE contact_id IN (
    SELECT rowid FROM leads_contact_search WHERE leads_contact_search MATCH %s
)
UNION
SELECT rowid FROM leads_submission_search WHERE leads_submission_search MATCH %s
"""


def ensure_sqlite_indexes(connection, *, create: bool = False) -> list[str]:
    """Give each SQLite search index its triggers where any is missing, and fill it afresh
    then (it may have missed changes): the names of the indexes repaired. With `create`,
    create the indexes first (migration 0016); without, an index that does not exist (a
    database migrated to before 0016) stays so.

    Run after every `migrate` too (leads/apps.py): Django's SQLite migrations rebuild a table
    they alter, and the rebuilt table has lost its triggers.
    """
    if connection.vendor != "sqlite":
        return []
    if create and sqlite3.sqlite_version_info < (3, 34):
        raise ImproperlyConfigured(
            "The inbox's search needs SQLite 3.34 or newer (FTS5's trigram tokenizer); this "
            f"Python uses SQLite {sqlite3.sqlite_version}. Use PostgreSQL or a newer SQLite."
        )
    repaired = []
    with connection.cursor() as cursor:
        for index in SQLITE_INDEXES:
            if create:
                cursor.execute(index.create)
            cursor.execute(
                "SELECT type, name FROM sqlite_master WHERE name = %s OR (type = 'trigger' "
                "AND tbl_name = %s)",
                [index.name, index.source],
            )
            present = set(cursor.fetchall())
            if ("table", index.name) not in present:
                continue
            if {("trigger", name) for name in index.triggers} <= present:
                continue
            for name in index.triggers:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(index.command("delete-all"))
            cursor.execute(index.fill)
            for create_trigger in index.triggers.values():
                cursor.execute(create_trigger)
            repaired.append(index.name)
    return repaired


def drop_sqlite_indexes(connection) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for index in SQLITE_INDEXES:
            for name in index.triggers:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {index.name}")


def forget_erased(connection) -> None:
    """Merge each SQLite index into one segment: the erased words' trigrams, which an index
    keeps (marked deleted) until its segments merge, go now; under `secure_delete`
    (services.erasing) their pages are zeroed. About a second at 300k submissions."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for index in SQLITE_INDEXES:
            cursor.execute(index.command("optimize"))
