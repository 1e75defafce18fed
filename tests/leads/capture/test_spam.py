"""Spam and abuse: suspected spam is quarantined without a trace outside it; limits refuse."""

import re
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse

from leads import services
from leads.capture import spam
from leads.capture.spam import Limit, count_attempt, parse_rate_limits
from leads.capture.tokens import form_token, read_form_token
from leads.models import BlockedEmailDomain, Delivery, Status, Submission
from tests.factories import lead_form_data, make_article, make_cta

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: a real Redis client that cannot connect.
UNREACHABLE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


def submit(client, cta, data, **headers):
    """POST the CTA's form as a browser on this site does (with its Origin)."""
    return client.post(
        reverse("leads:submit", args=[cta.pk]), data, HTTP_ORIGIN="http://testserver", **headers
    )


def quarantined_for(client, cta, data):
    """Post, and return why the stored submission was quarantined ([] if it was not)."""
    assert submit(client, cta, data).status_code == 303
    submission = Submission.objects.get()
    assert (submission.status == Status.SPAM) == bool(submission.spam_reasons)
    return submission.spam_reasons


def test_honeypot_submission_looks_accepted(client):
    cta = make_cta("download", thank_you_message="Your playbook is ready.")
    response = submit(client, cta, lead_form_data(cta, website="https://seo.example"))
    assert response.status_code == 303
    assert "Your playbook is ready." in client.get(response["Location"]).content.decode()


def test_honeypot_submission_is_quarantined_without_contact(client):
    cta = make_cta("quote")
    submit(client, cta, lead_form_data(cta, website="https://seo.example"))
    submission = Submission.objects.get()
    assert submission.status == Status.SPAM
    assert submission.contact is None
    assert "honeypot filled in" in submission.spam_reasons


def test_honeypot_submission_sends_nothing(client, django_capture_on_commit_callbacks):
    cta = make_cta("quote")
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, cta, lead_form_data(cta, website="https://seo.example"))
    assert Submission.objects.get().status == Status.SPAM
    assert mail.outbox == []
    assert not Delivery.objects.exists()


def test_forged_token_is_quarantined(client):
    cta = make_cta("quote")
    data = lead_form_data(cta, token="WzEsImFiYyIsMTAwMF0:1xV1ak:forged-signature")
    assert quarantined_for(client, cta, data) == ["forged form token"]


def test_token_of_another_cta_is_quarantined(client):
    cta, other = make_cta("quote"), make_cta("quote")
    data = lead_form_data(cta, token=form_token(other.pk, issued_at=time.time() - 60))
    assert quarantined_for(client, cta, data) == ["forged form token"]


def test_form_sent_faster_than_a_person_types_is_quarantined(client):
    cta = make_cta("quote")
    assert settings.LEAD_FORM_MIN_SECONDS > 0
    data = lead_form_data(cta, age_seconds=0)
    assert quarantined_for(client, cta, data) == ["sent faster than a person can type"]


def test_form_token_never_dates_the_render_later_than_it_was():
    """Else a form posted at once would look younger than 0 s: quarantined even with the
    time trap off (LEAD_FORM_MIN_SECONDS=0, as load tests and browser tests run)."""
    for rendered_at in (1_000_000.06, 1_000_000.04, 1_000_000.0):
        token = read_form_token(form_token(7, issued_at=rendered_at), 7)
        assert rendered_at - 0.1 < token.issued_at <= rendered_at


def test_link_in_name_is_quarantined(client):
    cta = make_cta("quote")
    data = lead_form_data(cta, name="Cheap SEO www.seo.example")
    assert quarantined_for(client, cta, data) == ["link in name"]


def test_markup_in_name_is_quarantined(client):
    cta = make_cta("quote")
    data = lead_form_data(cta, name="<b>Ana</b>")
    assert quarantined_for(client, cta, data) == ["markup in name"]


def test_more_than_three_links_in_message_is_quarantined(client):
    cta = make_cta("quote")
    message = " ".join(f"See https://spam{n}.example" for n in range(4))
    data = lead_form_data(cta, message=message)
    assert quarantined_for(client, cta, data) == ["many links in message"]


def test_three_links_in_message_are_accepted(client):
    cta = make_cta("quote")
    message = " ".join(f"Our sites: https://shop{n}.example" for n in range(3))
    assert quarantined_for(client, cta, lead_form_data(cta, message=message)) == []


@pytest.mark.parametrize("email", ["ana@mailinator.com", "ana@eu.Mailinator.com"])
def test_disposable_email_domain_is_quarantined(client, email):
    cta = make_cta("newsletter")
    data = lead_form_data(cta, email=email)
    assert quarantined_for(client, cta, data) == ["disposable email domain"]


def test_domain_added_to_blocked_domains_is_quarantined(client):
    BlockedEmailDomain.objects.create(domain="throwaway.example")
    cta = make_cta("newsletter")
    data = lead_form_data(cta, email="ana@throwaway.example")
    assert quarantined_for(client, cta, data) == ["disposable email domain"]


def test_expired_form_asks_to_send_again_with_fresh_token_and_answers_kept(client):
    cta = make_cta("quote")
    age = settings.LEAD_FORM_MAX_AGE_HOURS * 3600 + 60
    data = lead_form_data(cta, age_seconds=age, name="Ana Expired")
    response = submit(client, cta, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Please check your answers and send it again." in body
    assert 'value="Ana Expired"' in body
    token = re.search(r'name="token" value="([^"]+)"', body)[1]
    assert token != data["token"]
    fresh = read_form_token(token, cta.pk)
    assert fresh.valid and not fresh.expired
    assert not Submission.objects.exists()


@override_settings(LEAD_RATE_LIMITS="ip=2/h")
def test_third_post_from_one_ip_within_the_hour_is_refused_with_answers_kept(client):
    cta = make_cta("quote")
    for n in range(2):
        assert (
            submit(client, cta, lead_form_data(cta, email=f"p{n}@acme.example")).status_code == 303
        )
    response = submit(client, cta, lead_form_data(cta, email="p3@acme.example"))
    assert response.status_code == 429
    body = response.content.decode()
    assert "Please try again in an hour; your answers are still here." in body
    assert 'value="p3@acme.example"' in body
    assert Submission.objects.count() == 2


@override_settings(LEAD_RATE_LIMITS="email=1/h")
def test_second_post_for_one_email_within_the_hour_is_refused(client):
    cta = make_cta("quote")
    assert submit(client, cta, lead_form_data(cta, email="Ana@acme.example")).status_code == 303
    assert submit(client, cta, lead_form_data(cta, email="ana@acme.example")).status_code == 429
    assert submit(client, cta, lead_form_data(cta, email="bo@acme.example")).status_code == 303


def test_rate_limits_off_lets_every_post_through(client):
    cta = make_cta("quote")
    with override_settings(LEAD_RATE_LIMITS="ip=1/h"):
        assert submit(client, cta, lead_form_data(cta, email="p1@acme.example")).status_code == 303
        assert submit(client, cta, lead_form_data(cta, email="p2@acme.example")).status_code == 429
    with override_settings(LEAD_RATE_LIMITS="off"):
        assert submit(client, cta, lead_form_data(cta, email="p3@acme.example")).status_code == 303


def test_rate_limits_are_read_from_their_setting():
    assert parse_rate_limits("ip=30/h, email=10/2h") == [
        Limit("ip", 30, 3600),
        Limit("email", 10, 7200),
    ]
    assert parse_rate_limits("off") == []


def test_an_attempt_counter_starts_at_one_and_counts_on():
    assert [count_attempt("leads:test", timeout=60) for _ in range(3)] == [1, 2, 3]


class RacingCache:
    """A cache where another request creates the counter between our INCR and our ADD."""

    def __init__(self):
        self.counters = {}

    def incr(self, key):
        if key not in self.counters:
            raise ValueError(key)
        self.counters[key] += 1
        return self.counters[key]

    def add(self, key, value, timeout):
        self.counters[key] = 1  # the other request's attempt, counted first
        return False


def test_an_attempt_racing_another_for_a_new_counter_is_still_counted(monkeypatch):
    monkeypatch.setattr(spam, "cache", RacingCache())
    assert count_attempt("leads:test", timeout=60) == 2


@pytest.mark.parametrize("value", ["ip=30", "ip=x/h", "ip=30/h;email=3/h", "cookie=3/h", "ip=3/y"])
def test_rate_limits_with_bad_syntax_fail_loudly(value):
    with pytest.raises(ImproperlyConfigured, match="LEAD_RATE_LIMITS"):
        parse_rate_limits(value)


@override_settings(CACHES=UNREACHABLE_CACHE)
def test_submission_is_captured_when_the_cache_is_unreachable(client, caplog):
    cta = make_cta("quote", thank_you_message="Got it.")
    response = submit(client, cta, lead_form_data(cta))
    assert "Rate limit not checked, cache unavailable: ConnectionError" in caplog.text
    assert response.status_code == 303
    assert Submission.objects.get().status == Status.NEW
    assert "Got it." in client.get(response["Location"]).content.decode()


def test_released_submission_gets_contact_and_follow_up(client, django_capture_on_commit_callbacks):
    cta = make_cta("quote")
    submit(client, cta, lead_form_data(cta, website="https://seo.example"))
    quarantined = Submission.objects.get()
    reviewer = get_user_model().objects.create_superuser("reviewer", "reviewer@example.com", "x")

    with django_capture_on_commit_callbacks(execute=True):
        released = services.submission_release(submission=quarantined, by=reviewer)

    assert released.status == Status.NEW
    assert released.contact.email == "ana@acme.example"
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ana@acme.example",
        settings.LEADS_NOTIFY_EMAIL,
    ]
    assert set(released.deliveries.values_list("kind", "status")) == {
        ("notification", "sent"),
        ("confirmation", "sent"),
    }


# The time trap on cached pages: leads.js swaps each rendered token for one stamped at the view.


def view_forms(client, *tokens, **headers):
    """POST the page's form tokens as leads.js does when the page is shown."""
    headers.setdefault("HTTP_ORIGIN", "http://testserver")
    return client.post(reverse("leads:forms_viewed"), {"token": list(tokens)}, **headers)


def test_a_page_view_restamps_a_cached_form_token_with_the_time_of_the_view(client, article_index):
    cta = make_cta("quote")
    article = make_article(article_index, cta=cta)
    cached = form_token(
        cta.pk, page_id=article.pk, consent_version=cta.consent_version, issued_at=time.time() - 600
    )
    response = view_forms(client, cached)
    assert response.status_code == 200
    (fresh,) = response.json()["tokens"]
    token = read_form_token(fresh, cta.pk)
    assert token.valid and not token.expired
    assert token.age() < settings.LEAD_FORM_MIN_SECONDS
    assert (token.page_id, token.consent_version) == (article.pk, cta.consent_version)
    assert token.nonce != read_form_token(cached, cta.pk).nonce


def test_form_posted_at_once_after_a_view_of_a_cached_page_is_quarantined(client):
    cta = make_cta("quote")
    data = lead_form_data(cta, age_seconds=600)  # rendered into a cached page 10 minutes ago
    data["token"] = view_forms(client, data["token"]).json()["tokens"][0]
    assert quarantined_for(client, cta, data) == ["sent faster than a person can type"]


def test_page_view_gives_no_token_for_a_forged_or_expired_one(client):
    cta = make_cta("quote")
    expired = form_token(cta.pk, issued_at=time.time() - 73 * 3600)
    good = form_token(cta.pk)
    response = view_forms(client, "forged", expired, good + "x", good)
    tokens = response.json()["tokens"]
    assert tokens[:3] == [None, None, None]
    assert read_form_token(tokens[3], cta.pk).valid


def test_page_view_answer_is_never_cached_and_sets_no_cookie(client):
    response = view_forms(client, form_token(make_cta("quote").pk))
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_SEC_FETCH_SITE": "cross-site"}],
)
def test_page_view_from_another_site_is_refused(client, headers):
    assert view_forms(client, form_token(make_cta("quote").pk), **headers).status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"token": ""},
        {"token": ["x"] * 17},
        {"token": "\x00\ud7ff" + "é" * 300},
        {"token": ["[1, 2]", "a:b:c", ":" * 50]},
    ],
)
def test_page_view_with_hostile_input_never_fails(client, body):
    response = client.post(reverse("leads:forms_viewed"), body, HTTP_ORIGIN="http://testserver")
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert all(token is None for token in response.json()["tokens"])


def test_page_view_refuses_a_body_larger_than_any_page_sends(client):
    response = client.generic(
        "POST",
        reverse("leads:forms_viewed"),
        "token=" + "a" * 20_000,
        content_type="application/x-www-form-urlencoded",
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 400
    assert client.get(reverse("leads:forms_viewed")).status_code == 405
