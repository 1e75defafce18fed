"""Who may work leads: only they own a CTA or receive an email that carries lead data.

The rule is `leads.permissions.may_work_leads` (active, and Sales, Sales managers, a superuser or
`leads.change_submission`); it is checked when a CTA is saved and again when each email is sent.
"""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data

from leads import services
from leads.models import CallToAction, DeliveryKind, DeliveryStatus, LeadSettings, Submission
from tests.factories import capture_lead, cta_admin_form, make_cta, make_user

pytestmark = pytest.mark.django_db

INBOX = "sales@site.example"


@pytest.fixture
def editor(db):
    return make_user("editor", "Editors")


@pytest.fixture
def seller(db):
    return make_user("seller", "Sales")


@pytest.fixture
def inbox(db):
    return LeadSettings.objects.create(sales_inbox=INBOX)


def sent_to(address) -> list:
    return [message for message in mail.outbox if address in message.to]


def cta_form(**fields):
    return nested_form_data(cta_admin_form(consent_text="We store your details.") | fields)


# Who may own a CTA -------------------------------------------------------------------------


def test_cta_owner_select_offers_only_people_who_may_work_leads(client, editor, seller):
    client.force_login(editor)

    response = client.get(reverse("wagtailsnippets_leads_calltoaction:add"))

    offered = set(response.context["form"].fields["owner"].queryset)
    assert seller in offered
    assert editor not in offered


def test_editor_cannot_make_themselves_owner_of_a_cta(client, editor, seller):
    client.force_login(editor)

    response = client.post(
        reverse("wagtailsnippets_leads_calltoaction:add"), cta_form(owner=editor.pk)
    )

    assert response.status_code == 200
    assert "owner" in response.context["form"].errors
    assert not CallToAction.objects.exists()


def test_editor_can_give_a_cta_to_a_salesperson(client, editor, seller):
    client.force_login(editor)

    response = client.post(
        reverse("wagtailsnippets_leads_calltoaction:add"), cta_form(owner=seller.pk)
    )

    assert response.status_code == 302
    assert CallToAction.objects.get().owner == seller


@pytest.mark.parametrize("who", ["editor", "inactive seller"])
def test_a_cta_refuses_an_owner_who_cannot_work_leads(who):
    if who == "editor":
        owner = make_user("editor", "Editors")
    else:
        owner = make_user("gone", "Sales", is_active=False)

    with pytest.raises(ValidationError) as refused:
        make_cta("quote", owner=owner)

    assert "owner" in refused.value.message_dict


def test_staff_cannot_point_their_own_email_at_another_mailbox(client, editor):
    client.force_login(editor)

    page = client.get(reverse("wagtailadmin_account")).content.decode()

    assert 'name="name_email-email"' not in page
    assert 'name="name_email-first_name"' in page  # the name stays theirs to change


# Checked again when sending ------------------------------------------------------------------


def lose_the_right(user):
    user.groups.clear()


def test_notification_for_an_owner_who_lost_the_right_goes_to_the_sales_inbox(
    seller, inbox, django_capture_on_commit_callbacks
):
    cta = make_cta("quote", owner=seller)
    lose_the_right(seller)

    with django_capture_on_commit_callbacks(execute=True):
        capture_lead(cta)

    assert sent_to(seller.email) == []
    assert len(sent_to(INBOX)) == 1
    notification = Submission.objects.get().deliveries.get(kind=DeliveryKind.NOTIFICATION)
    assert notification.status == DeliveryStatus.SENT


def test_notification_for_a_deactivated_owner_goes_to_the_sales_inbox(
    seller, inbox, django_capture_on_commit_callbacks
):
    cta = make_cta("quote", owner=seller)
    seller.is_active = False
    seller.save()

    with django_capture_on_commit_callbacks(execute=True):
        capture_lead(cta)

    assert sent_to(seller.email) == []
    assert len(sent_to(INBOX)) == 1


def test_an_owner_saved_before_the_rule_gets_no_lead_data(
    editor, inbox, django_capture_on_commit_callbacks
):
    # A CTA given to an editor before owners were checked (saved without validation).
    cta = make_cta("quote")
    CallToAction.objects.filter(pk=cta.pk).update(owner=editor)
    cta.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        capture_lead(cta, budget="over-50k", timeline="now")  # hot: 90
        services.contact_score_refresh(contact=Submission.objects.get().contact)

    assert sent_to(editor.email) == []
    subjects = sorted(message.subject.split(":")[0] for message in sent_to(INBOX))
    assert subjects == ["Hot lead", "New quote request"]


def test_hot_lead_alert_for_a_lead_owner_who_lost_the_right_goes_to_the_sales_inbox(
    seller, inbox, django_capture_on_commit_callbacks
):
    submission = capture_lead(make_cta("quote"), budget="over-50k", timeline="now").submission
    services.submission_assign(submission=submission, owner=seller, by=seller)
    lose_the_right(seller)

    with django_capture_on_commit_callbacks(execute=True):
        services.contact_score_refresh(contact=submission.contact)

    assert sent_to(seller.email) == []
    assert [m.subject.split(":")[0] for m in sent_to(INBOX)] == ["Hot lead"]
