"""Progressive profiling: a person we know is asked the queued questions in place of what
their contact already holds; pages stay shared, the person's form comes from its own URL."""

import pytest
from django.urls import reverse

from leads.capture import recognition
from leads.capture.tokens import link_token
from leads.models import Submission, Subscription
from tests.factories import BUILDER_ANSWERS, lead_form_data, make_builder_cta, make_cta

pytestmark = pytest.mark.django_db


def submit(client, cta, data, **headers):
    return client.post(
        reverse("leads:submit", args=[cta.pk]), data, HTTP_ORIGIN="http://testserver", **headers
    )


def known_form(client, cta, token=""):
    return client.get(reverse("leads:known_form", args=[cta.pk]), {"token": token})


def test_a_consented_submission_makes_the_browser_known(client):
    cta = make_builder_cta()
    response = submit(client, cta, lead_form_data(cta))
    assert recognition.COOKIE in response.cookies
    assert response.cookies[recognition.COOKIE]["httponly"]
    assert response.cookies[recognition.HINT_COOKIE].value == "1"
    # The cookie names the contact by its public reference, signed: no address, no id.
    assert "ana" not in response.cookies[recognition.COOKIE].value


def test_a_quarantined_submission_makes_no_one_known(client):
    cta = make_builder_cta()
    response = submit(client, cta, lead_form_data(cta, website="bot text"))
    assert recognition.COOKIE not in response.cookies


def test_a_stranger_keeps_the_pages_form(client):
    cta = make_builder_cta()
    assert known_form(client, cta).status_code == 204


def test_a_known_person_is_asked_queued_questions_in_place_of_known_ones(client):
    cta = make_builder_cta()
    submit(client, cta, lead_form_data(cta))
    response = known_form(client, cta)
    assert response.status_code == 200
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    html = response.content.decode()
    for known in ("first_name", "last_name", "company", "company_size"):
        assert f'name="{known}"' not in html
    assert 'name="email"' in html  # who is answering: always asked
    assert 'name="job_title"' in html and 'name="industry"' in html
    assert 'name="budget"' in html  # not a contact property: nothing to know


def test_the_queued_questions_are_limited_by_the_cta(client):
    cta = make_builder_cta(queued_limit=1)
    submit(client, cta, lead_form_data(cta))
    html = known_form(client, cta).content.decode()
    assert ('name="job_title"' in html) != ('name="industry"' in html)


def test_a_known_persons_form_is_checked_on_its_own_questions(client):
    cta = make_builder_cta()
    submit(client, cta, lead_form_data(cta))
    html = known_form(client, cta).content.decode()
    profile = html.split('name="profile" value="')[1].split('"')[0]
    data = lead_form_data(cta, job_title="Head of marketing", industry="software", message="2")
    for name in ("first_name", "last_name", "company", "company_size"):
        del data[name]
    response = submit(client, cta, data | {"profile": profile})
    assert response.status_code == 303
    latest = Submission.objects.latest("received_at")
    assert latest.answers["job_title"] == "Head of marketing"
    assert "company_size" not in latest.answers
    contact = latest.contact
    assert contact.job_title == "Head of marketing"
    assert contact.properties["industry"] == "software"
    assert contact.properties["company_size"] == BUILDER_ANSWERS["company_size"]  # kept


def test_a_forged_profile_asks_the_first_time_questions(client):
    cta = make_builder_cta()
    data = lead_form_data(cta)
    del data["company"]
    response = submit(client, cta, data | {"profile": "forged"})
    assert response.status_code == 400
    assert "Company: This field is required." in response.content.decode()


def test_a_confirmed_subscription_makes_the_browser_known(client):
    newsletter = make_cta("newsletter")
    submit(client, newsletter, lead_form_data(newsletter))
    client.cookies.clear()  # the link is followed in another browser: the mail client's
    subscription = Subscription.objects.get()
    link = reverse("leads:opt_in", args=[link_token("opt_in", subscription.reference)])
    assert recognition.COOKIE not in client.get(link).cookies  # asking is not confirming
    response = client.post(link, HTTP_ORIGIN="http://testserver")
    assert recognition.COOKIE in response.cookies


def test_a_known_contacts_next_submission_names_that_same_contact(client, rf):
    cta = make_builder_cta()
    submit(client, cta, lead_form_data(cta))
    client.cookies.clear()  # another browser, the same person
    response = submit(client, cta, lead_form_data(cta, message="Again, from my phone."))
    request = rf.get("/")
    request.COOKIES[recognition.COOKIE] = response.cookies[recognition.COOKIE].value
    assert recognition.known_contact(request) == Submission.objects.latest("pk").contact
