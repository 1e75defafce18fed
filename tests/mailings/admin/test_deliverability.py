"""Suppressed addresses in the admin: sales see, add and remove them; editors never see an
address (no access at all)."""

import pytest
from anymail.signals import AnymailTrackingEvent
from django.urls import reverse
from django.utils import timezone

from leads import services
from leads.models import Suppression
from mailings.tracking import tracking_event_apply
from tests.factories import log_in
from tests.mailings.recipients import make_list, make_send, make_subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def bounced():
    return services.suppression_add(
        email="gone@old-firm.example", reason="bounce", source="mailgun"
    )


@pytest.mark.parametrize("role", ["sales", "manager", "superuser"])
def test_lead_workers_see_the_suppressed_addresses(client, role, bounced):
    log_in(client, role)

    response = client.get(reverse("suppressions:index"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "gone@old-firm.example" in html
    assert "Hard bounce" in html
    assert "Suppressed addresses" in client.get("/admin/").content.decode()


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_editors_have_no_access_and_no_menu_item(client, role, bounced):
    log_in(client, role)

    listing = client.get(reverse("suppressions:index"))
    adding = client.get(reverse("suppressions:add"))

    assert listing.status_code in (302, 403)
    assert adding.status_code in (302, 403)
    assert "gone@old-firm.example" not in listing.content.decode()
    assert "Suppressed addresses" not in client.get("/admin/").content.decode()


def test_sales_add_an_address_by_hand(client):
    log_in(client, "sales")

    response = client.post(reverse("suppressions:add"), {"email": " Ana@Firm.example "})

    assert response.status_code == 302
    suppression = Suppression.objects.get()
    assert (suppression.email, suppression.reason, suppression.source) == (
        "ana@firm.example",
        "manual",
        "staff",
    )


def test_an_address_already_suppressed_is_not_added_twice(client, bounced):
    log_in(client, "sales")

    response = client.post(reverse("suppressions:add"), {"email": "GONE@old-firm.example"})

    assert response.status_code == 200
    assert "already suppressed" in response.content.decode()
    assert Suppression.objects.count() == 1


def test_sales_remove_an_address(client, bounced):
    log_in(client, "sales")

    response = client.post(reverse("suppressions:delete", args=[bounced.pk]))

    assert response.status_code == 302
    assert not Suppression.objects.exists()


def test_the_contact_page_says_the_address_is_suppressed_and_why_consent_ended(client):
    contact = make_subscriber("annoyed@firm.example", lists=[make_list()])
    tracking_event_apply(event=complaint(make_send(contact)), provider="Postmark")
    log_in(client, "sales")

    response = client.get(reverse("leads_contact:detail", args=[contact.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Email suppressed" in html
    assert "spam complaint reported by postmark" in html
    assert "A spam complaint" in html  # the consent ledger's entry, made without a form


def complaint(send):
    """What anymail hands the `tracking` signal for a provider's spam-complaint report."""
    return AnymailTrackingEvent(
        event_type="complained",
        recipient=send.contact.email,
        metadata={"send": send.reference.hex},
        timestamp=timezone.now(),
    )
