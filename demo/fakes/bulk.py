"""The bulk lead generator behind `manage.py generate_leads` and bench/inbox: hundreds of
thousands of invented contacts and submissions, with notes, deliveries and audit-log entries."""

import datetime
import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.utils import timezone
from wagtail.models import ModelLogEntry

from leads import audit
from leads.models import (
    Contact,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Note,
    Status,
    Submission,
)

from .history import NOTES, reader_delivery, reviewed_at, status_for
from .people import Person, invent_person, typed_email
from .rows import RowWriter, reset_sequences
from .submissions import Placement, answered, form_version_for, pick_placement, seed_key


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
    their status changes. For the inbox benchmark (bench/inbox, through `generate_leads`).

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
            form_version_id=form_version_for(cta.question_set),
            **answered(cta, person, rng, email, placement.url, placement.campaign),
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
        )
        if changed_at is not None and not spam:
            writers[ModelLogEntry].add(
                content_type_id=submission_type.pk,
                object_id=str(submission_id),
                label=f"Submission #{submission_id}",
                action=audit.STATUS_CHANGE,
                data={"from": Status.NEW, "to": status, "reason": reason},
                timestamp=changed_at,
                uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                user_id=owner_id,
                content_changed=False,
                deleted=False,
            )
        if not spam and rng.random() < deliveries_share:
            reader_kind = reader_delivery(cta.kind)
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
