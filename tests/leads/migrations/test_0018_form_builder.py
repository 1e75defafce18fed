"""Migration 0018 on a database holding leads of every kind as the fixed forms stored them:
each CTA asks the same questions as explicit, editable ones; every old lead still reads with
its labels; consent given through the fixed tick boxes enters the ledger with its purpose."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from leads import answers
from leads.models import CallToAction, ConsentRecord, ContactProperty, Submission
from tests.factories import capture_lead

BEFORE = [("leads", "0017_analytics_indexes")]
# What each kind's fixed form stored, as the code of the previous release did.
OLD_ANSWERS = {
    "download": {"name": "Ana Lima", "email": "ana@acme.example"},
    "quote": {
        "name": "Bo Berg",
        "email": "bo@acme.example",
        "company": "Acme",
        "phone": "+44 20 7946 0000",
        "budget": "under-5k",
        "timeline": "quarter",
        "message": "Please quote.",
    },
    "newsletter": {"email": "cy@acme.example"},
    "webinar": {"name": "Di Dorn", "email": "di@acme.example", "company": "Acme"},
}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def old_leads(apps):
    """One CTA of each kind with one lead each, written with the models as they were."""
    Document = apps.get_model("wagtaildocs", "Document")
    CTA = apps.get_model("leads", "CallToAction")
    Contact = apps.get_model("leads", "Contact")
    Sub = apps.get_model("leads", "Submission")
    ConsentText = apps.get_model("leads", "ConsentText")
    consent = ConsentText.objects.create(version="0123456789abcdef", text="We keep your details.")
    document = Document.objects.create(title="Old playbook", file="documents/old.pdf")
    now = timezone.now()
    for number, (kind, given) in enumerate(OLD_ANSWERS.items()):
        extra = {"document": document} if kind == "download" else {}
        if kind == "webinar":
            extra = {"event_starts_at": now + datetime.timedelta(days=9), "seat_limit": 20}
        cta = CTA.objects.create(kind=kind, title=f"Old {kind}", headline=f"Old {kind}", **extra)
        contact = Contact.objects.create(email=given["email"], name=given.get("name", ""))
        Sub.objects.create(
            contact=contact,
            email=given["email"],
            cta=cta,
            cta_kind=kind,
            cta_title=cta.title,
            answers=given,
            consent_given=True,
            consent=consent,
            consent_at=now,
            idempotency_key=f"old-{number}",
        )


# Transactional (migrations cannot run inside a test's transaction), with the rows the
# migrations made put back for the tests after it (tests/conftest.py).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_0018_keeps_every_old_cta_and_lead_readable():
    old_apps = migrate(BEFORE)
    try:
        old_leads(old_apps)
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

        for cta in CallToAction.objects.all():
            asked = [question.name for question in cta.question_set.answers]
            assert set(OLD_ANSWERS[cta.kind]) <= set(asked), cta.kind
        quote = CallToAction.objects.get(kind="quote")
        assert quote.question_set.by_name["budget"].choice_label("under-5k") == "Under $5,000"

        old_quote = Submission.objects.get(cta_kind="quote")
        assert old_quote.form_version is None
        assert ("Budget", "Under $5,000") in answers.labelled(old_quote.answers)
        assert ("Timeline", "Within 3 months") in answers.labelled(old_quote.answers)

        ledger = {(r.submission.cta_kind, r.purpose, r.given) for r in ConsentRecord.objects.all()}
        assert ledger == {("download", "request", True), ("newsletter", "marketing", True)}
        assert set(ContactProperty.objects.values_list("key", flat=True)) >= {
            "company_size",
            "industry",
        }
        # The migrated CTAs take new leads through the forms built from their questions.
        for cta in CallToAction.objects.exclude(kind="download"):
            capture = capture_lead(cta, nonce="after", email=f"new-{cta.kind}@acme.example")
            assert capture.created
            assert capture.submission.form_version_id == cta.question_set.version
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
