"""Invented leads, for the demo site and for the inbox benchmark (bench/inbox).

Nobody here is real: names are drawn from short lists, companies are made up, and every email
address is at a reserved `.example` domain (RFC 2606), so no demo or bench row can ever reach,
or describe, a real person. Everything is drawn from a seeded `random.Random`: the same seed
gives the same leads.

These functions write with `bulk_create` and skip `leads.services` on purpose: this is seeding
(no visitor posted a form, no salesperson clicked), and the services' per-lead work (dedup
lookups, follow-up tasks, emails) is exactly what seeding must not do.
"""

import datetime
import hashlib
import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router, transaction
from django.db.models import Max
from django.utils import timezone
from wagtail.models import ModelLogEntry

from .forms import BUDGETS, TIMELINES
from .models import (
    Contact,
    CTAKind,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Note,
    Status,
    Submission,
)

FIRST_NAMES = [
    "Ana", "Ben", "Chloe", "Dev", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas",
    "Kiri", "Lena", "Marco", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sami", "Tove",
    "Uma", "Victor", "Wen", "Yara", "Zoltan", "Aiko", "Bruno", "Carla", "Dario", "Emeka",
]  # fmt: skip
LAST_NAMES = [
    "Lima", "Okafor", "Brandt", "Castell", "Duval", "Eriksen", "Fontaine", "Gallo", "Haddad",
    "Ivanova", "Jansen", "Kowalski", "Laine", "Moreau", "Novak", "Oduya", "Petrov", "Quist",
    "Romero", "Sato", "Tanaka", "Ulloa", "Varga", "Weber", "Xu", "Yilmaz", "Zeller",
]  # fmt: skip
# Invented companies, each at a reserved .example domain.
COMPANIES = [
    ("Northwind Analytics", "northwind.example"),
    ("Bluefjord Logistics", "bluefjord.example"),
    ("Cobalt Ridge Software", "cobaltridge.example"),
    ("Dunmore Health", "dunmore-health.example"),
    ("Emberline Energy", "emberline.example"),
    ("Foxglove Retail", "foxglove.example"),
    ("Granite Peak Insurance", "granitepeak.example"),
    ("Harbourlight Media", "harbourlight.example"),
    ("Ironbark Manufacturing", "ironbark.example"),
    ("Juniper Lane Legal", "juniperlane.example"),
    ("Kestrel Robotics", "kestrel.example"),
    ("Lumen & Oak Architects", "lumenoak.example"),
    ("Marigold Travel", "marigold-travel.example"),
    ("Nimbus Payroll", "nimbuspayroll.example"),
    ("Orchard Row Foods", "orchardrow.example"),
    ("Pinecrest University", "pinecrest.example"),
    ("Quayside Property", "quayside.example"),
    ("Redwing Security", "redwing.example"),
    ("Saltmarsh Brewing", "saltmarsh.example"),
    ("Tidewater Freight", "tidewater.example"),
]
JOB_TITLES = [
    "Head of Marketing", "Marketing Manager", "Demand Generation Lead", "Sales Director",
    "Founder", "Operations Manager", "Content Strategist", "CMO", "Growth Analyst",
    "Marketing Coordinator",
]  # fmt: skip
MESSAGES = [
    "We publish about 20 articles a month and capture almost no leads from them.",
    "Looking for a fixed-price setup of gated downloads and a quote form on our blog.",
    "Our sales team does not trust marketing's leads. Can you help with scoring?",
    "We need the forms to work without cookies for our EU audience.",
    "Evaluating two vendors; decision expected next quarter.",
    "Can you migrate our existing newsletter list and set up double opt-in?",
    "Please quote for a webinar funnel: registration, reminders, CRM handoff.",
    "Just exploring options for next year's budget.",
]
DISQUALIFY_REASONS = [
    "No budget this year",
    "Student project",
    "Competitor doing research",
    "Outside our service area",
    "Newsletter reader only, no buying intent",
]
LOST_REASONS = ["Chose another vendor", "Project postponed", "Went with an in-house build"]
NOTES = [
    "Called on Tuesday: evaluating two vendors, decision in March.",
    "Asked for a case study in their industry; sent the logistics one.",
    "Budget confirmed by their finance team. Wants a call with a consultant.",
    "Left a voicemail, will try again Thursday.",
    "Met at the webinar Q&A; very engaged, asked about CRM sync.",
    "Prefers email over calls. Follow up after their board meeting.",
]
SEARCH_REFERRERS = ["https://www.google.com/", "https://duckduckgo.com/", "https://www.bing.com/"]
# (utm_source, utm_medium, utm_campaign): the campaigns the demo's Campaign rows pay for come
# first; the others are unpaid (newsletter issues, a partner's blog).
CAMPAIGN_TOUCHES = [
    ("linkedin", "paid-social", "spring-playbook"),
    ("google", "cpc", "lead-capture-quote"),
    ("linkedin", "paid-social", "handoff-webinar"),
    ("newsletter", "email", "qualified-lead-issue-14"),
    ("newsletter", "email", "qualified-lead-issue-15"),
    ("partner-blog", "referral", "guest-post"),
]
# How often each CTA kind is answered, relative to the others.
KIND_WEIGHTS = {CTAKind.NEWSLETTER: 10, CTAKind.DOWNLOAD: 6, CTAKind.WEBINAR: 4, CTAKind.QUOTE: 3}


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    company: str
    phone: str
    job_title: str


def invent_person(rng: random.Random, number: int | None = None) -> Person:
    """An invented person. With `number`, the email is unique for each number."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    company, domain = rng.choice(COMPANIES)
    local = f"{first}.{last}" if number is None else f"{first}.{last}.{number}"
    return Person(
        name=f"{first} {last}",
        email=f"{local}@{domain}".lower(),
        company=company,
        # 555-0100 to 555-0199 are reserved for fiction.
        phone=f"+1 202 555 01{rng.randrange(100):02d}" if rng.random() < 0.6 else "",
        job_title=rng.choice(JOB_TITLES),
    )


def typed_email(rng: random.Random, email: str) -> str:
    """The address as a visitor might type it: now and then capitalised or with a stray space;
    the contact keeps it normalised."""
    roll = rng.random()
    if roll < 0.1:
        local, domain = email.split("@")
        return f"{local.title()}@{domain}"
    if roll < 0.15:
        return f" {email}"
    return email


def answers_for(kind: str, person: Person, rng: random.Random, email: str) -> dict:
    """The answers the kind's form asks for (see leads/forms.py), as a submission stores them."""
    if kind == CTAKind.NEWSLETTER:
        return {"email": email}
    if kind == CTAKind.DOWNLOAD:
        return {"name": person.name, "email": email}
    if kind == CTAKind.WEBINAR:
        return {"name": person.name, "email": email, "company": person.company}
    return {
        "name": person.name,
        "email": email,
        "company": person.company,
        "phone": person.phone,
        "budget": rng.choice([value for value, _ in BUDGETS if value]),
        "timeline": rng.choice([value for value, _ in TIMELINES if value]),
        "message": rng.choice(MESSAGES),
    }


def attribution_for(rng: random.Random, page_url: str) -> dict:
    """Submission fields for where the lead came from: about half with UTM parameters."""
    roll = rng.random()
    utm = dict.fromkeys(("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"), "")
    referrer, landing = "", page_url
    if roll < 0.5:
        source, medium, campaign = rng.choice(CAMPAIGN_TOUCHES)
        utm.update(utm_source=source, utm_medium=medium, utm_campaign=campaign)
        landing = f"{page_url}?utm_source={source}&utm_medium={medium}&utm_campaign={campaign}"
        if medium == "paid-social":
            referrer = "https://www.linkedin.com/"
    elif roll < 0.8:
        referrer = rng.choice(SEARCH_REFERRERS)
    first_touch = {"landing_page": landing, "referrer": referrer, **utm}
    return {
        **utm,
        "referrer": referrer,
        "landing_page": page_url,
        "first_touch": first_touch,
    }


def status_for(rng: random.Random, age_days: float) -> tuple[str, str]:
    """A plausible review status (and reason) for a lead received `age_days` ago: the newest
    wait in the review queue, older ones have moved along the workflow."""
    if age_days < 3:
        choices = [(Status.NEW, 8), (Status.IN_REVIEW, 2)]
    elif age_days < 14:
        choices = [
            (Status.NEW, 3),
            (Status.IN_REVIEW, 3),
            (Status.QUALIFIED, 3),
            (Status.DISQUALIFIED, 2),
        ]
    else:
        choices = [
            (Status.NEW, 1),
            (Status.IN_REVIEW, 1),
            (Status.QUALIFIED, 3),
            (Status.DISQUALIFIED, 3),
            (Status.HANDED_OFF, 2),
            (Status.WON, 1),
            (Status.LOST, 1),
        ]
    statuses, weights = zip(*choices, strict=True)
    status = rng.choices(statuses, weights)[0]
    if status == Status.DISQUALIFIED:
        return status, rng.choice(DISQUALIFY_REASONS)
    if status == Status.LOST:
        return status, rng.choice(LOST_REASONS)
    return status, ""


def seed_key(label: str, number: int) -> str:
    """A submission's idempotency key for seeded rows: stable, so a re-run finds them."""
    return hashlib.sha256(f"leadsite-seed:{label}:{number}".encode()).hexdigest()


@dataclass(frozen=True)
class Placement:
    """A CTA shown on a page: where a submission can come from."""

    cta: object
    page: object
    url: str
    weight: float = 1.0


def pick_placement(rng: random.Random, placements: Sequence[Placement]) -> Placement:
    return rng.choices(placements, [p.weight * KIND_WEIGHTS[p.cta.kind] for p in placements])[0]


def submission_for(
    rng: random.Random,
    *,
    key: str,
    person: Person,
    contact_id: int | None,
    placement: Placement,
    received_at: datetime.datetime,
    status: str,
    reason: str,
    owner_id: int | None,
    consent_id: int | None,
) -> Submission:
    email = typed_email(rng, person.email)
    cta = placement.cta
    return Submission(
        contact_id=contact_id,
        email=email,
        cta=cta,
        cta_kind=cta.kind,
        cta_title=cta.title,
        page=placement.page,
        page_title=placement.page.title if placement.page else "",
        answers=answers_for(cta.kind, person, rng, email),
        consent_given=True,
        consent_id=consent_id,
        consent_at=received_at,
        received_at=received_at,
        status=status,
        status_reason=reason,
        status_changed_at=None if status == Status.NEW else reviewed_at(rng, received_at),
        owner_id=owner_id,
        idempotency_key=key,
        **attribution_for(rng, placement.url),
    )


def reviewed_at(rng: random.Random, received_at: datetime.datetime) -> datetime.datetime:
    """When sales moved a lead on: within three days of its arrival, never in the future."""
    return min(received_at + datetime.timedelta(hours=rng.uniform(1, 72)), timezone.now())


class RowWriter:
    """Rows of one model written with executemany, ids included: the bench's 300k rows in
    seconds, where bulk_create spends about a millisecond per row building model instances.

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


@dataclass
class GenerateReport:
    contacts: int = 0
    submissions: int = 0
    notes: int = 0
    deliveries: int = 0
    log_entries: int = 0
    seconds: float = 0.0


def generate(
    *,
    contacts: int,
    submissions: int,
    placements: Sequence[Placement],
    owners: Sequence,
    consent_ids: dict[int, int],
    seed: int = 4,
    days: int = 365,
    batch_size: int = 5000,
    notes_share: float = 0.05,
    deliveries_share: float = 0.2,
    spam_share: float = 0.02,
    using: str = "default",
) -> GenerateReport:
    """Invent `contacts` contacts and `submissions` submissions (at least one per contact),
    received over the last `days` days, with notes, deliveries and the audit-log entries of
    their status changes. For the inbox benchmark (bench/inbox): about 300k rows a minute.

    Written in batches of `batch_size`, each in its own transaction, so memory stays flat.
    `consent_ids` maps each CTA id to the ConsentText id its submissions record. A few
    contacts get many submissions (a skewed draw), as real repeat readers do.
    """
    if submissions < contacts:
        raise ValueError("Every contact needs at least one submission.")
    rng = random.Random(seed)  # noqa: S311 - invented data, not a secret
    connection = connections[using]
    started = time.perf_counter()
    now = timezone.now()
    owner_ids = [owner.pk for owner in owners]
    writers = {Contact: RowWriter(Contact, connection, batch_size)}
    writers[Note] = RowWriter(Note, connection, batch_size, after=[writers[Contact]])
    writers[Submission] = RowWriter(Submission, connection, batch_size, after=[writers[Contact]])
    writers[Delivery] = RowWriter(Delivery, connection, batch_size, after=[writers[Submission]])
    writers[ModelLogEntry] = RowWriter(ModelLogEntry, connection, batch_size)
    submission_type = ContentType.objects.db_manager(using).get_for_model(Submission)

    people: list[tuple[int, Person]] = []
    for number in range(contacts):
        person = invent_person(rng, number)
        seen = now - datetime.timedelta(days=rng.random() * days)
        contact_id = writers[Contact].add(
            email=person.email,
            name=person.name,
            company=person.company,
            phone=person.phone,
            job_title=person.job_title,
            created_at=seen,
            updated_at=seen,
        )
        people.append((contact_id, person))
        if rng.random() < notes_share:
            written = seen + datetime.timedelta(days=rng.random())
            writers[Note].add(
                contact_id=contact_id,
                author_id=rng.choice(owner_ids) if owner_ids else None,
                text=rng.choice(NOTES),
                created_at=written,
                updated_at=written,
            )
    writers[Contact].flush()

    for number in range(submissions):
        # The first pass gives every contact one submission; the rest favour a few.
        index = number if number < contacts else int(contacts * rng.random() ** 1.5)
        contact_id, person = people[index]
        placement = pick_placement(rng, placements)
        age = rng.random() * days
        received_at = now - datetime.timedelta(days=age)
        # A contact's first submission is never spam: every contact keeps one.
        spam = number >= contacts and rng.random() < spam_share
        status, reason = (Status.SPAM, "") if spam else status_for(rng, age)
        owner_id = None
        if owner_ids and status not in (Status.NEW, Status.SPAM) and rng.random() < 0.8:
            owner_id = rng.choice(owner_ids)
        email = typed_email(rng, person.email)
        changed_at = None if status == Status.NEW else reviewed_at(rng, received_at)
        cta = placement.cta
        submission_id = writers[Submission].add(
            contact_id=None if spam else contact_id,
            email=email,
            cta_id=cta.pk,
            cta_kind=cta.kind,
            cta_title=cta.title,
            page_id=placement.page.pk,
            page_title=placement.page.title,
            answers=answers_for(cta.kind, person, rng, email),
            consent_given=True,
            consent_id=consent_ids.get(cta.pk),
            consent_at=received_at,
            received_at=received_at,
            status=status,
            status_reason=reason,
            status_changed_at=changed_at,
            spam_reasons=["honeypot"] if spam else [],
            owner_id=owner_id,
            idempotency_key=seed_key(f"bench-{seed}", number),
            **attribution_for(rng, placement.url),
        )
        if changed_at is not None and not spam:
            writers[ModelLogEntry].add(
                content_type_id=submission_type.pk,
                object_id=str(submission_id),
                label=f"Submission #{submission_id}",
                action="leads.status_change",
                data={"from": Status.NEW, "to": status, "reason": reason},
                timestamp=changed_at,
                uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                user_id=owner_id,
                content_changed=False,
                deleted=False,
            )
        if not spam and rng.random() < deliveries_share:
            reader_kind = (
                DeliveryKind.OPT_IN if cta.kind == CTAKind.NEWSLETTER else DeliveryKind.CONFIRMATION
            )
            done = received_at + datetime.timedelta(seconds=rng.uniform(2, 60))
            failed = rng.random() < 0.05
            for kind, gave_up in ((DeliveryKind.NOTIFICATION, False), (reader_kind, failed)):
                writers[Delivery].add(
                    submission_id=submission_id,
                    kind=kind,
                    status=DeliveryStatus.GAVE_UP if gave_up else DeliveryStatus.SENT,
                    attempts=8 if gave_up else 1,
                    last_error="SMTPRecipientsRefused" if gave_up else "",
                    created_at=received_at,
                    last_attempt_at=done,
                    done_at=None if gave_up else done,
                )
    for writer in writers.values():
        writer.flush()
    reset_sequences(connection, list(writers))
    return GenerateReport(
        contacts=writers[Contact].written,
        submissions=writers[Submission].written,
        notes=writers[Note].written,
        deliveries=writers[Delivery].written,
        log_entries=writers[ModelLogEntry].written,
        seconds=time.perf_counter() - started,
    )


def status_log_entry(submission: Submission, content_type, *, user_id=None) -> ModelLogEntry:
    """The audit-log entry services.submission_set_status writes, dated when it happened.

    The label is the submission's str(): "Submission #12", never personal data."""
    return ModelLogEntry(
        content_type=content_type,
        object_id=str(submission.pk),
        label=str(submission),
        action="leads.status_change",
        data={"from": Status.NEW, "to": submission.status, "reason": submission.status_reason},
        timestamp=submission.status_changed_at,
        uuid=uuid.uuid4(),
        user_id=user_id if user_id is not None else submission.owner_id,
    )


def sent_deliveries(submission: Submission, rng: random.Random) -> list[Delivery]:
    """The follow-up a lead got, already done: the staff notification and the reader's email.
    Now and then the reader's email gave up, so the contact page has a retry to show."""
    done = submission.received_at + datetime.timedelta(seconds=rng.uniform(2, 60))
    reader_kind = (
        DeliveryKind.OPT_IN
        if submission.cta_kind == CTAKind.NEWSLETTER
        else DeliveryKind.CONFIRMATION
    )
    failed = rng.random() < 0.05
    return [
        Delivery(
            submission=submission,
            kind=DeliveryKind.NOTIFICATION,
            status=DeliveryStatus.SENT,
            attempts=1,
            last_attempt_at=done,
            done_at=done,
        ),
        Delivery(
            submission=submission,
            kind=reader_kind,
            status=DeliveryStatus.GAVE_UP if failed else DeliveryStatus.SENT,
            attempts=8 if failed else 1,
            last_error="SMTPRecipientsRefused" if failed else "",
            last_attempt_at=done,
            done_at=None if failed else done,
        ),
    ]


def backdate(objects: Sequence, *fields: str) -> None:
    """Write the intended past times of `fields` on saved `objects`.

    bulk_create stamps auto_now and auto_now_add fields with the current time, so seeded
    history would all look written today. One executemany, because bulk_update's CASE per row
    takes seconds for a few hundred rows.
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
