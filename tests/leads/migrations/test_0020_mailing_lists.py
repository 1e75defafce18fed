"""Migration 0020 on a database whose subscriptions were per newsletter CTA: every newsletter
CTA and subscription joins the site's newsletter list, and a person subscribed through two
newsletter CTAs keeps one subscription, the confirmed one (an opt-out on one CTA never beats a
confirmation, nor is a confirmation lost)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from leads.models import CallToAction, MailingList, Subscription
from tests.factories import capture_lead

BEFORE = [("leads", "0019_contact_property_permissions")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def old_subscriptions(apps):
    """Two newsletter CTAs; Ana confirmed one and left the other, Bo is pending on one."""
    CTA = apps.get_model("leads", "CallToAction")
    Contact = apps.get_model("leads", "Contact")
    Subscription = apps.get_model("leads", "Subscription")
    weekly = CTA.objects.create(kind="newsletter", title="Weekly", headline="Weekly")
    monthly = CTA.objects.create(kind="newsletter", title="Monthly", headline="Monthly")
    CTA.objects.create(kind="quote", title="Quote", headline="Quote")
    ana = Contact.objects.create(email="ana@acme.example")
    bo = Contact.objects.create(email="bo@acme.example")
    now = timezone.now()
    Subscription.objects.create(contact=ana, cta=weekly, status="confirmed", confirmed_at=now)
    Subscription.objects.create(contact=ana, cta=monthly, status="unsubscribed")
    Subscription.objects.create(contact=bo, cta=monthly, status="pending")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_0020_puts_every_subscription_on_the_newsletter_list_once():
    old_apps = migrate(BEFORE)
    try:
        old_subscriptions(old_apps)
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

        newsletter = MailingList.objects.get(slug="newsletter")
        assert set(
            CallToAction.objects.filter(kind="newsletter").values_list("mailing_list", flat=True)
        ) == {newsletter.pk}
        assert CallToAction.objects.get(kind="quote").mailing_list is None
        kept = {
            s.contact.email: (s.status, s.cta.title, s.mailing_list_id)
            for s in Subscription.objects.select_related("contact", "cta")
        }
        assert kept == {
            "ana@acme.example": ("confirmed", "Weekly", newsletter.pk),
            "bo@acme.example": ("pending", "Monthly", newsletter.pk),
        }
        # A sign-up after the migration lands on the same list.
        weekly = CallToAction.objects.get(title="Weekly")
        capture_lead(weekly, nonce="after", email="cy@acme.example")
        assert Subscription.objects.get(contact__email="cy@acme.example").mailing_list == newsletter
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
