"""The Email menu's screens through Wagtail's admin (test client, real database): emails and
their test send, broadcasts (create, send now, schedule, cancel, progress, report), lists and
segments; who may use them; and that none of them shows a recipient."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from leads.models import Status
from mailings import services
from mailings.models import Broadcast, BroadcastStatus, Segment, Send, SendStatus
from mailings.sending import dispatch
from tests.factories import make_lead, make_user
from tests.mailings.makers import make_email, make_list, make_subscriber

pytestmark = pytest.mark.django_db

SECRET_ADDRESS = "private.reader@example.com"


@pytest.fixture
def editor(client):
    user = make_user("eddie", "Editors")
    client.force_login(user)
    return user


@pytest.fixture
def newsletter():
    mailing_list = make_list("Newsletter", double_opt_in=False)
    make_subscriber(mailing_list, email=SECRET_ADDRESS, name="Private Reader")
    make_subscriber(mailing_list)
    make_subscriber(mailing_list, consent=False)
    return mailing_list


def broadcast_of(newsletter, user, **fields):
    return services.broadcast_create(
        name="March issue", email=make_email(), mailing_list=newsletter, by=user, **fields
    )


def url(name, *args):
    return reverse(f"mailings_broadcasts:{name}", args=args)


def test_creating_a_broadcast_needs_exactly_one_audience(client, editor, newsletter):
    email = make_email()
    segment = Segment.objects.create(name="Everyone")
    data = {"name": "March issue", "email": email.pk}
    response = client.post(url("add"), data)
    assert "Choose who gets it: a list or a segment." in response.content.decode()
    response = client.post(
        url("add"), data | {"mailing_list": newsletter.pk, "segment": segment.pk}
    )
    assert "Choose a list or a segment, not both." in response.content.decode()
    response = client.post(url("add"), data | {"mailing_list": newsletter.pk})
    broadcast = Broadcast.objects.get()
    assert response.url == url("inspect", broadcast.pk)
    assert (broadcast.created_by, broadcast.status) == (editor, BroadcastStatus.DRAFT)


def test_the_broadcast_page_counts_eligible_people_and_names_none(client, editor, newsletter):
    broadcast = broadcast_of(newsletter, editor)
    page = client.get(url("inspect", broadcast.pk)).content.decode()
    assert "<strong>2</strong> people on it may get marketing email" in page
    assert "Send now…" in page and "Schedule…" in page
    assert SECRET_ADDRESS not in page and "Private Reader" not in page


def test_a_broadcast_to_nobody_says_so(client, editor):
    broadcast = broadcast_of(make_list("Empty list"), editor)
    page = client.get(url("inspect", broadcast.pk)).content.decode()
    assert "Nobody on it may get marketing email right now" in page


def test_send_now_asks_first_with_the_count(client, editor, newsletter):
    broadcast = broadcast_of(newsletter, editor)
    page = client.get(url("send_now", broadcast.pk)).content.decode()
    assert "<strong>2</strong> people may get it right now" in page
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.DRAFT
    response = client.post(url("send_now", broadcast.pk))
    assert response.url == url("inspect", broadcast.pk)
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.SCHEDULED
    assert broadcast.scheduled_for <= timezone.now()


def test_schedule_takes_a_future_time_in_the_sites_time_zone(client, editor, newsletter, settings):
    broadcast = broadcast_of(newsletter, editor)
    response = client.post(url("schedule", broadcast.pk), {"at": "2001-01-01T09:00"})
    assert "Choose a time in the future." in response.content.decode()
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.DRAFT
    at = timezone.localtime() + datetime.timedelta(days=1)
    client.post(url("schedule", broadcast.pk), {"at": at.strftime("%Y-%m-%dT%H:%M")})
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.SCHEDULED
    assert timezone.localtime(broadcast.scheduled_for).strftime("%Y-%m-%d %H:%M") == at.strftime(
        "%Y-%m-%d %H:%M"
    )


def test_schedule_reads_the_time_in_the_sites_zone_whatever_the_users(
    client, editor, newsletter, settings
):
    settings.TIME_ZONE = "Europe/Berlin"
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(editor)
    profile.current_time_zone = "America/New_York"
    profile.save()
    broadcast = broadcast_of(newsletter, editor)
    page = client.get(url("schedule", broadcast.pk)).content.decode()
    assert "time zone (Europe/Berlin)" in page
    client.post(url("schedule", broadcast.pk), {"at": "2099-06-01T09:00"})
    broadcast.refresh_from_db()
    assert broadcast.scheduled_for == datetime.datetime(2099, 6, 1, 7, 0, tzinfo=datetime.UTC)
    assert (
        "Mon 01 Jun 2099, 09:00 CEST" in client.get(url("inspect", broadcast.pk)).content.decode()
    )


def test_cancel_asks_first_then_stops_the_broadcast(client, editor, newsletter):
    broadcast = broadcast_of(newsletter, editor)
    services.broadcast_schedule(
        broadcast=broadcast, at=timezone.now() + datetime.timedelta(days=1), by=editor
    )
    assert "Cancel sending…" in client.get(url("inspect", broadcast.pk)).content.decode()
    assert "cannot be undone" in client.get(url("cancel", broadcast.pk)).content.decode()
    client.post(url("cancel", broadcast.pk))
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.CANCELLED


def test_a_sent_broadcast_cannot_be_edited(client, editor, newsletter):
    broadcast = broadcast_of(newsletter, editor)
    Broadcast.objects.filter(pk=broadcast.pk).update(
        status=BroadcastStatus.SENT, scheduled_for=timezone.now()
    )
    response = client.get(url("edit", broadcast.pk))
    assert response.url == url("inspect", broadcast.pk)


def test_only_a_draft_can_be_deleted(client, newsletter):
    client.force_login(make_user("admin", superuser=True))
    started = broadcast_of(newsletter, None)
    Broadcast.objects.filter(pk=started.pk).update(
        status=BroadcastStatus.SENT, scheduled_for=timezone.now()
    )
    assert client.post(url("delete", started.pk)).url == url("inspect", started.pk)
    assert Broadcast.objects.filter(pk=started.pk).exists()
    draft = broadcast_of(newsletter, None)
    client.post(url("delete", draft.pk))
    assert not Broadcast.objects.filter(pk=draft.pk).exists()


def test_progress_is_counts_as_json(client, editor, newsletter):
    broadcast = services.broadcast_send_now(broadcast=broadcast_of(newsletter, editor), by=editor)
    dispatch.drain()
    data = client.get(url("progress", broadcast.pk)).json()
    assert (
        data
        == {
            "status": "sending",
            "status_label": "Sending",
            "live": True,
            "queued": 0,
            "sent": 2,
            "failed": 0,
            "skipped": 0,
            "cancelled": 0,
            "total": 2,
        }
        or data["status"] == "sent"
    )
    assert data["sent"] == 2
    page = client.get(url("inspect", broadcast.pk)).content.decode()
    assert "mailings/admin/progress.js" in page
    assert SECRET_ADDRESS not in page


def test_the_report_counts_outcomes_and_the_leads_that_followed(client, editor, newsletter):
    broadcast = services.broadcast_send_now(broadcast=broadcast_of(newsletter, editor), by=editor)
    dispatch.drain()
    dispatch.drain()
    sends = list(broadcast.sends.order_by("pk"))
    now = timezone.now()
    Send.objects.filter(pk=sends[0].pk).update(
        delivered_at=now, first_clicked_at=now, unsubscribed_at=now
    )
    Send.objects.filter(pk=sends[1].pk).update(bounced_at=now)
    # A lead by a recipient after the email, qualified; one by someone else; one too late.
    make_lead(email=sends[0].contact.email, status=Status.QUALIFIED)
    make_lead(email="stranger@example.com")
    make_lead(email=sends[1].contact.email, received_at=now + datetime.timedelta(days=9))
    page = client.get(url("inspect", broadcast.pk)).content.decode()
    report = page[page.index("Report") :]
    for label, count in [
        ("Sent", 2),
        ("Delivered", 1),
        ("Bounced", 1),
        ("Complaints", 0),
        ("Clicked", 1),
        ("Unsubscribed", 1),
        ("Leads", 1),
        ("Qualified leads", 1),
    ]:
        assert f"<dt>{label}</dt><dd>{count}</dd>" in report, label
    wider = client.get(url("inspect", broadcast.pk), {"days": 10}).content.decode()
    assert "<dt>Leads</dt><dd>2</dd>" in wider
    assert SECRET_ADDRESS not in page


def test_the_email_editor_sends_a_test_to_its_author(client, editor, mailoutbox):
    email = make_email(subject="Three forms that convert")
    edit = reverse("wagtailsnippets_mailings_email:edit", args=[email.pk])
    page = client.get(edit).content.decode()
    assert "Send a test to me" in page and "eddie@staff.example" in page
    response = client.post(reverse("wagtailsnippets_mailings_email:test_send", args=[email.pk]))
    assert response.url == edit
    assert [m.subject for m in mailoutbox] == ["[Test] Three forms that convert"]
    assert mailoutbox[0].to == ["eddie@staff.example"]
    assert "went to eddie@staff.example" in client.get(edit).content.decode()


def test_a_test_send_without_an_address_says_why(client, mailoutbox):
    client.force_login(make_user("nomail", "Editors", email=""))
    email = make_email()
    client.post(reverse("wagtailsnippets_mailings_email:test_send", args=[email.pk]))
    page = client.get(reverse("wagtailsnippets_mailings_email:edit", args=[email.pk]))
    assert "Your account has no email address" in page.content.decode()
    assert mailoutbox == []


def test_the_email_preview_has_phone_desktop_and_plain_text(client, editor):
    email = make_email()
    page = client.get(reverse("wagtailsnippets_mailings_email:edit", args=[email.pk]))
    html = page.content.decode()
    assert 'aria-label="Phone width"' in html and 'aria-label="Desktop width"' in html
    assert '<option value="text"' in html


def test_lists_show_how_many_people_not_who(client, editor, newsletter):
    page = client.get(reverse("mailings_lists:index")).content.decode()
    assert "Newsletter" in page
    assert SECRET_ADDRESS not in page


def test_the_segment_editor_builds_counts_and_saves_conditions(client, editor, newsletter):
    add = reverse("mailings_segments:add")
    page = client.get(add).content.decode()
    assert "Choose a condition" in page and "Add a condition" in page
    data = {
        "name": "Newsletter readers",
        "description": "",
        "conditions-TOTAL_FORMS": "1",
        "conditions-INITIAL_FORMS": "0",
        "conditions-0-field": "list",
        "conditions-0-choice": f"list:{newsletter.pk}",
    }
    counted = client.post(add, data | {"count": "1"}).content.decode()
    assert "<strong>3</strong> contacts match; <strong>2</strong> of them" in counted
    assert not Segment.objects.exists()
    more = client.post(add, data | {"add_condition": "1"}).content.decode()
    assert 'name="conditions-1-field"' in more
    wrong = data | {"conditions-0-field": "score_at_least", "conditions-0-value": "lots"}
    assert "needs a whole number" in client.post(add, wrong).content.decode()
    client.post(add, data)
    segment = Segment.objects.get()
    assert segment.conditions == [{"field": "list", "value": str(newsletter.pk)}]
    edit = client.get(reverse("mailings_segments:edit", args=[segment.pk])).content.decode()
    assert f'value="list:{newsletter.pk}" selected' in edit
    assert "<strong>3</strong> contacts match" in edit
    assert SECRET_ADDRESS not in edit


def test_property_conditions_need_their_key(client, editor):
    data = {
        "name": "Big companies",
        "conditions-TOTAL_FORMS": "1",
        "conditions-INITIAL_FORMS": "0",
        "conditions-0-field": "property",
        "conditions-0-value": "51-200",
    }
    page = client.post(reverse("mailings_segments:add"), data).content.decode()
    assert "needs a property" in page
    client.post(reverse("mailings_segments:add"), data | {"conditions-0-key": "company_size"})
    assert Segment.objects.get().conditions == [
        {"field": "property", "value": "51-200", "key": "company_size"}
    ]


SCREENS = [
    "mailings_broadcasts:index",
    "mailings_broadcasts:add",
    "mailings_lists:index",
    "mailings_segments:index",
    "wagtailsnippets_mailings_email:list",
]


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
@pytest.mark.parametrize("screen", SCREENS)
def test_editors_and_moderators_work_on_email(client, group, screen):
    client.force_login(make_user("someone", group))
    assert client.get(reverse(screen)).status_code == 200


@pytest.mark.parametrize("group", ["Sales", "Sales managers"])
@pytest.mark.parametrize("screen", SCREENS)
def test_sales_do_not_see_the_email_screens(client, group, screen):
    client.force_login(make_user("someone", group))
    assert client.get(reverse(screen)).status_code in (302, 403)


def test_editors_may_not_delete_or_see_sends(client, editor):
    assert not editor.has_perm("mailings.delete_broadcast")
    assert not editor.has_perm("mailings.view_send")
    assert not editor.has_perm("leads.view_subscription")
    assert not editor.has_perm("mailings.change_mailsettings")
    moderator = make_user("mo", "Moderators")
    assert moderator.has_perm("mailings.change_mailsettings")
    assert moderator.has_perm("leads.change_mailinglist")
    assert moderator.has_perm("mailings.add_sequence")


def test_progress_and_actions_need_rights(client, newsletter):
    broadcast = broadcast_of(newsletter, make_user("owner", "Editors"))
    client.force_login(make_user("seller", "Sales"))
    assert client.get(url("progress", broadcast.pk)).status_code in (302, 403)
    client.post(url("send_now", broadcast.pk))
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.DRAFT
    assert not Send.objects.filter(status=SendStatus.QUEUED).exists()
