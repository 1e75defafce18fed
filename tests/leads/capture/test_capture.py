"""A visitor answers a CTA: what is stored, what they see next, and what happens on errors."""

import datetime
import html
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from leads import services
from leads.models import Contact, CTAKind, Status, Submission
from tests.factories import ANSWERS, lead_form_data, make_article, make_cta

pytestmark = pytest.mark.django_db

KINDS = [kind.value for kind in CTAKind]
HIDDEN_INPUT = re.compile(r'<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?')


def submit(client, cta, data, **headers):
    """POST the CTA's form as a browser on this site does (with its Origin)."""
    return client.post(
        reverse("leads:submit", args=[cta.pk]), data, HTTP_ORIGIN="http://testserver", **headers
    )


def hidden_fields(page_html):
    """The hidden inputs of the (first) lead form in a page, as a browser would post them."""
    form = page_html[page_html.index("data-lead-form") :]
    form = form[: form.index("</form>")]
    return {name: html.unescape(value) for name, value in HIDDEN_INPUT.findall(form)}


def field_tag(page_html, name):
    """The <input>/<textarea>/<select> opening tag of a visible field."""
    return re.search(rf'<(?:input|textarea|select)\b[^>]*\bname="{name}"[^>]*>', page_html)[0]


@pytest.mark.parametrize("kind", KINDS)
def test_submission_without_javascript_redirects_to_thank_you_page(client, kind):
    cta = make_cta(kind)
    response = submit(client, cta, lead_form_data(cta))
    assert response.status_code == 303
    assert re.fullmatch(r"/leads/thanks/[^/]+/", response["Location"])


@pytest.mark.parametrize("kind", KINDS)
def test_thank_you_page_shows_the_ctas_thank_you_message(client, kind):
    cta = make_cta(kind, thank_you_message=f"Thanks, your {kind} is on its way.")
    response = submit(client, cta, lead_form_data(cta))
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f"Thanks, your {kind} is on its way." in page.content.decode()


def test_refreshing_thank_you_page_does_not_submit_again(client):
    cta = make_cta("quote")
    location = submit(client, cta, lead_form_data(cta))["Location"]
    for _ in range(3):
        assert client.get(location).status_code == 200
    assert Submission.objects.count() == 1


@pytest.mark.parametrize("kind", KINDS)
def test_submission_by_javascript_gets_thank_you_fragment_not_redirect(client, kind):
    cta = make_cta(kind, thank_you_message="Fragment thanks.")
    response = submit(client, cta, lead_form_data(cta), HTTP_X_REQUESTED_WITH="leadsite")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Fragment thanks." in body
    assert "<html" not in body
    assert "data-lead-thanks" in body


def test_contact_is_matched_on_trimmed_lower_case_email(client):
    cta = make_cta("quote")
    submit(client, cta, lead_form_data(cta, email=" Ana@Example.COM "))
    submit(client, cta, lead_form_data(cta, email="ana@example.com"))
    assert Submission.objects.count() == 2
    assert list(Contact.objects.values_list("email", flat=True)) == ["ana@example.com"]


def test_a_lead_from_a_cached_copy_of_a_deleted_page_is_kept_without_the_page(
    client, article_index
):
    cta = make_cta("quote")
    article = make_article(article_index, "Gone since")
    data = lead_form_data(cta, page=article)
    article.delete()
    assert submit(client, cta, data).status_code == 303
    submission = Submission.objects.get()
    assert (submission.page_id, submission.page_title) == (None, "")


def test_contact_keeps_name_and_company_as_last_given(client):
    cta = make_cta("quote")
    submit(client, cta, lead_form_data(cta, name="Ana", company="Acme"))
    submit(client, cta, lead_form_data(cta, name="Ana Lima", company="Acme Ltd"))
    contact = Contact.objects.get()
    assert (contact.name, contact.company) == ("Ana Lima", "Acme Ltd")


def test_submission_records_page_cta_answers_and_consent(client, article_index):
    cta = make_cta("download", title="Playbook (PDF)", consent_text="You may email me.")
    article = make_article(article_index, "Gated content")
    submit(client, cta, lead_form_data(cta, page=article))
    submission = Submission.objects.get()
    assert submission.page_id == article.pk
    assert submission.page_title == "Gated content"
    assert (submission.cta_id, submission.cta_kind, submission.cta_title) == (
        cta.pk,
        "download",
        "Playbook (PDF)",
    )
    assert submission.answers == {"name": "Ana Lima", "email": "ana@acme.example"}
    assert submission.consent_given is True
    assert submission.consent.text == "You may email me."
    assert submission.consent_at is not None


@override_settings(LEAD_FORM_MIN_SECONDS=0)
def test_submission_keeps_consent_text_of_the_form_shown_even_after_it_was_edited(client):
    cta = make_cta("newsletter", consent_text="Old wording: you may email me.")
    shown = hidden_fields(client.get(reverse("leads:cta", args=[cta.pk])).content.decode())
    cta.consent_text = "New wording: you may email me monthly."
    cta.save()
    services.consent_text_record(cta)

    submit(client, cta, shown | ANSWERS["newsletter"])

    submission = Submission.objects.get()
    assert submission.status == Status.NEW
    assert submission.consent.text == "Old wording: you may email me."


def test_same_post_twice_stores_one_submission(client):
    cta = make_cta("quote")
    data = lead_form_data(cta)
    first = submit(client, cta, data)
    second = submit(client, cta, data)
    assert (first.status_code, second.status_code) == (303, 303)
    assert Submission.objects.count() == 1


def test_same_form_render_with_other_answers_stores_two_submissions(client):
    cta = make_cta("quote")
    data = lead_form_data(cta)
    submit(client, cta, data)
    submit(client, cta, data | {"name": "Bo Berg", "email": "bo@other.example"})
    assert Submission.objects.count() == 2
    assert Contact.objects.count() == 2


def test_posted_fields_outside_the_form_are_ignored(client):
    cta = make_cta("quote")
    other = services.contact_upsert({"email": "other@example.com"})
    extras = {
        "status": "won",
        "contact": other.pk,
        "idempotency_key": "chosen-by-visitor",
        "score": "100",
        "id": "999999",
    }
    submit(client, cta, lead_form_data(cta) | extras)
    submission = Submission.objects.get()
    assert submission.status == Status.NEW
    assert submission.contact.email == "ana@acme.example"
    assert submission.idempotency_key != "chosen-by-visitor"
    assert submission.pk != 999999
    assert "score" not in submission.answers


def test_page_and_consent_wording_come_from_the_signed_form_not_the_post(client, article_index):
    cta = make_cta("download", consent_text="The words shown.")
    shown_on, elsewhere = make_article(article_index), make_article(article_index)
    other_wording = make_cta("newsletter", consent_text="Words never shown here.")
    data = lead_form_data(cta, page=shown_on) | {
        "page": elsewhere.pk,
        "consent_version": other_wording.consent_version,
    }
    assert submit(client, cta, data).status_code == 303
    submission = Submission.objects.get()
    assert submission.page_id == shown_on.pk
    assert submission.consent.text == "The words shown."


def test_invalid_fields_get_400_with_specific_messages(client):
    cta = make_cta("quote")
    response = submit(client, cta, lead_form_data(cta, name="", email="ana-at-acme"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Name: This field is required." in body
    assert "Work email: Enter an email address like name@company.com." in body
    assert not Submission.objects.exists()


def test_invalid_form_keeps_what_was_typed(client):
    cta = make_cta("quote")
    response = submit(
        client, cta, lead_form_data(cta, email="ana-at-acme", message="Our funnel & goals")
    )
    body = response.content.decode()
    assert 'value="ana-at-acme"' in field_tag(body, "email")
    assert 'value="Acme"' in field_tag(body, "company")
    assert "Our funnel &amp; goals</textarea>" in body


def test_invalid_field_is_marked_and_described_by_its_error(client):
    cta = make_cta("quote")
    body = submit(client, cta, lead_form_data(cta, email="ana-at-acme")).content.decode()
    tag = field_tag(body, "email")
    assert 'aria-invalid="true"' in tag
    described_by = re.search(r'aria-describedby="([^"]+)"', tag)[1]
    error = re.search(rf'<[a-z]+ [^>]*id="{described_by}"[^>]*>(.*?)</', body, re.S)
    assert "Enter an email address like name@company.com." in error[1]
    assert "aria-invalid" not in field_tag(body, "company")


def test_first_invalid_field_has_autofocus(client):
    cta = make_cta("quote")
    body = submit(client, cta, lead_form_data(cta, email="ana-at-acme", message="")).content
    body = body.decode()
    assert "autofocus" in field_tag(body, "email")
    assert "autofocus" not in field_tag(body, "message")
    assert body.count("autofocus") == 1


def test_full_webinar_refuses_registration_with_409(client):
    cta = make_cta("webinar", seat_limit=1)
    assert submit(client, cta, lead_form_data(cta)).status_code == 303
    response = submit(client, cta, lead_form_data(cta, email="bo@other.example"))
    assert response.status_code == 409
    assert "this webinar is full" in response.content.decode()
    assert Submission.objects.count() == 1


def test_past_webinar_refuses_registration(client):
    cta = make_cta("webinar", event_starts_at=timezone.now() - datetime.timedelta(hours=2))
    response = submit(client, cta, lead_form_data(cta))
    assert response.status_code == 409
    assert "already taken place" in response.content.decode()
    assert not Submission.objects.exists()


def test_cta_page_shows_the_form(client):
    cta = make_cta("quote", headline="Want this on your site?")
    response = client.get(reverse("leads:cta", args=[cta.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Want this on your site?" in body
    assert f'action="/leads/cta/{cta.pk}/submit/"' in body
    assert hidden_fields(body)["token"]


@pytest.mark.parametrize("view", ["leads:cta", "leads:submit"])
def test_unknown_cta_is_404(client, view):
    make_cta("quote")
    url = reverse(view, args=[987654])
    response = client.get(url) if view == "leads:cta" else client.post(url, {})
    assert response.status_code == 404


def test_get_on_submit_url_is_405(client):
    cta = make_cta("quote")
    assert client.get(reverse("leads:submit", args=[cta.pk])).status_code == 405
