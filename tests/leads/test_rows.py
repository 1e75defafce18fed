"""leads/rows.py: the plain INSERTs of the lead path store what `save()` would have stored."""

import datetime
import uuid

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models.signals import post_save, pre_save
from wagtail.models import TranslatableMixin
from wagtail.models.i18n import set_locale_on_new_instance

from leads import rows
from leads.models import Contact, Delivery, DeliveryKind, DeliveryStatus, Submission
from tests.factories import capture_lead, make_cta

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("label", rows.MODELS_WITHOUT_SIGNALS)
def test_nothing_listens_to_the_models_written_without_signals(label):
    """The helpers send no pre_save/post_save: a receiver added later would be skipped."""
    model = apps.get_model(label)
    # Wagtail's one receiver for every model acts on translatable models only.
    assert not issubclass(model, TranslatableMixin)
    ignored = {set_locale_on_new_instance}
    for signal in (pre_save, post_save):
        sync_receivers, async_receivers = signal._live_receivers(model)
        assert set(sync_receivers + async_receivers) <= ignored, signal


def test_insert_gives_each_row_its_own_id_in_order():
    submission = capture_lead(make_cta("quote")).submission
    deliveries = [
        Delivery(submission=submission, kind=kind)
        for kind in (DeliveryKind.WEBHOOK, DeliveryKind.HOT_LEAD, DeliveryKind.OPT_IN)
    ]

    rows.insert(deliveries)

    stored = dict(Delivery.objects.filter(submission=submission).values_list("pk", "kind"))
    assert [stored[delivery.pk] for delivery in deliveries] == [
        DeliveryKind.WEBHOOK,
        DeliveryKind.HOT_LEAD,
        DeliveryKind.OPT_IN,
    ]
    assert all(not delivery._state.adding for delivery in deliveries)


def test_insert_stores_defaults_json_and_automatic_dates_as_save_would():
    first = capture_lead(make_cta("quote"), message="Über ☃ and 'quotes'").submission
    copy = Submission.objects.get(pk=first.pk)
    copy.pk = None
    copy._state.adding = True
    copy.idempotency_key = "another render"
    copy.reference = uuid.uuid4()  # another submission: its own public reference
    answers = {"email": copy.email, "message": "Ünïcode ☃", "nested": [1, {"a": None}]}
    copy.answers = answers

    rows.insert([copy])

    stored = Submission.objects.get(pk=copy.pk)
    assert stored.pk != first.pk
    assert stored.answers == answers
    assert stored.received_at == first.received_at
    assert stored.contact_id == first.contact_id
    delivery = Delivery(submission=stored, kind=DeliveryKind.WEBHOOK)
    rows.insert([delivery])
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 0
    assert delivery.created_at is not None  # auto_now_add, set by the field's pre_save()


def test_insert_raises_integrity_error_on_a_broken_unique_key_and_stores_nothing():
    first = capture_lead(make_cta("quote")).submission
    copy = Submission.objects.get(pk=first.pk)
    copy.pk = None
    copy._state.adding = True

    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert([copy])

    assert Submission.objects.count() == 1


def test_upsert_creates_then_updates_only_the_named_fields_of_the_same_row():
    contact = Contact(email="ana@acme.example", name="Ana", company="Acme")
    rows.upsert(contact, unique=["email"], update=["name", "updated_at"])
    created = Contact.objects.get(email="ana@acme.example")
    assert created.pk == contact.pk

    again = Contact(email="ana@acme.example", name="Ana Lima", company="Other")
    rows.upsert(again, unique=["email"], update=["name", "updated_at"])

    stored = Contact.objects.get(pk=contact.pk)
    assert again.pk == contact.pk
    assert Contact.objects.count() == 1
    assert (stored.name, stored.company) == ("Ana Lima", "Acme")
    assert stored.created_at == created.created_at
    assert stored.updated_at >= created.updated_at
    assert stored.updated_at - created.updated_at < datetime.timedelta(minutes=1)


def test_insert_and_upsert_give_new_rows_a_random_reference_and_keep_a_stored_one():
    """The links we email name it (leads/capture/tokens.py): each row its own, never changed by
    the next lead of the same person."""
    first = capture_lead(make_cta("quote"), nonce="1").submission
    second = capture_lead(make_cta("quote"), nonce="2").submission
    contact = Contact.objects.get()
    reference = contact.reference

    stored = dict(Submission.objects.values_list("pk", "reference"))

    assert stored == {first.pk: first.reference, second.pk: second.reference}
    assert len({first.reference, second.reference, reference}) == 3
    assert all(isinstance(value, uuid.UUID) and value.version == 4 for value in stored.values())
    capture_lead(make_cta("quote"), nonce="3")
    assert Contact.objects.get().reference == reference
