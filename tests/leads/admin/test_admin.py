"""The CTA library belongs to editors; stored submissions only to people with lead rights."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data

from leads.models import CallToAction, ConsentText, Submission
from tests.factories import cta_admin_form, lead_form_data, make_cta, make_user


@pytest.fixture
def editor(db):
    return make_user("editor", "Editors")


@pytest.fixture
def submission(client, article_index, django_capture_on_commit_callbacks):
    cta = make_cta("quote")
    with django_capture_on_commit_callbacks(execute=True):  # the follow-up runs after commit
        response = client.post(
            reverse("leads:submit", args=[cta.pk]),
            lead_form_data(cta),
            HTTP_ORIGIN="http://testserver",
        )
    assert response.status_code == 303
    return Submission.objects.get()


def cta_form(**fields):
    return nested_form_data(
        cta_admin_form(consent_text="We store your details to answer you.") | fields
    )


def test_editor_creates_a_cta_in_the_library(client, editor):
    client.force_login(editor)
    response = client.post(reverse("wagtailsnippets_leads_calltoaction:add"), cta_form())
    assert response.status_code == 302
    cta = CallToAction.objects.get(title="Quote: onboarding")
    assert cta.label == "Get Your Free Quote"


def test_saving_a_cta_keeps_its_consent_wording_for_later_submissions(client, editor):
    client.force_login(editor)
    client.post(reverse("wagtailsnippets_leads_calltoaction:add"), cta_form())
    cta = CallToAction.objects.get(title="Quote: onboarding")
    edit_url = reverse("wagtailsnippets_leads_calltoaction:edit", args=[cta.pk])
    client.post(edit_url, cta_form(consent_text="New wording."))
    assert set(ConsentText.objects.values_list("text", flat=True)) >= {
        "We store your details to answer you.",
        "New wording.",
    }


def test_a_download_cta_without_a_document_is_refused_with_a_message(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("wagtailsnippets_leads_calltoaction:add"), cta_form(kind="download")
    )
    assert response.status_code == 200
    assert "A download needs a gated document." in response.content.decode()
    assert not CallToAction.objects.exists()


def test_a_webinar_without_date_and_seats_is_refused_with_a_message(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("wagtailsnippets_leads_calltoaction:add"), cta_form(kind="webinar")
    )
    assert "A webinar needs a start time and a seat limit." in response.content.decode()
    assert not CallToAction.objects.exists()


def test_editors_see_no_submissions(client, editor, submission):
    client.force_login(editor)
    for url in (
        reverse("leads_inbox:index"),
        reverse("leads_inbox:inspect", args=[submission.pk]),
        reverse("leads_inbox:inspect", args=[submission.pk + 1000]),
    ):
        response = client.get(url)
        assert response.status_code in {302, 403, 404}, url
        assert submission.email not in response.content.decode()
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("leads_inbox:index") not in dashboard


def test_submissions_cannot_be_added_or_edited_even_by_a_superuser(client, admin_user, submission):
    client.force_login(admin_user)
    for url in (
        reverse("leads_inbox:add"),
        reverse("leads_inbox:edit", args=[submission.pk]),
    ):
        assert client.get(url).status_code in {302, 403}, url
    response = client.post(reverse("leads_inbox:edit", args=[submission.pk]), {"status": "won"})
    submission.refresh_from_db()
    assert submission.status == "new"
    assert response.status_code in {302, 403}


def test_inspecting_a_submission_shows_page_consent_attribution_and_follow_up(
    client, admin_user, submission
):
    client.force_login(admin_user)
    page = client.get(reverse("leads_inbox:inspect", args=[submission.pk])).content.decode()
    assert submission.consent.text in page
    assert "Staff notification: sent (1 attempt)" in page
    assert "Confirmation email: sent (1 attempt)" in page
    assert "We need a quote for lead capture on our blog." in page
