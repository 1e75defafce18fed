"""Gated downloads: the file is reached through a submission's signed link, and only so."""

import re
import time

import pytest
from django.core import mail, signing
from django.urls import reverse

from leads.capture.tokens import link_token
from leads.models import DownloadEvent, Status, Submission
from tests.factories import lead_form_data, make_cta, make_document

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% the playbook\n"
DAY = 24 * 3600


class SignedAgo(signing.TimestampSigner):
    """Signs as the site did `seconds` ago: the real signer, with an earlier timestamp."""

    def __init__(self, seconds, **kwargs):
        super().__init__(**kwargs)
        self.seconds = seconds

    def timestamp(self):
        return signing.b62_encode(int(time.time() - self.seconds))


def submit(client, cta, data, **headers):
    return client.post(
        reverse("leads:submit", args=[cta.pk]), data, HTTP_ORIGIN="http://testserver", **headers
    )


@pytest.fixture
def cta():
    return make_cta("download", document=make_document("The Playbook", content=PDF))


def thank_you_page(client, cta, **answers):
    response = submit(client, cta, lead_form_data(cta, **answers))
    assert response.status_code == 303
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode()


def download_link(page_html):
    match = re.search(r'<a [^>]*href="(/leads/download/[^"]+/)"[^>]*>([^<]*)</a>', page_html)
    return match and (match[1], match[2])


def test_thank_you_page_links_to_the_document_by_its_title(client, cta):
    _, name = download_link(thank_you_page(client, cta))
    assert name == "Download The Playbook"


def test_download_link_serves_the_file_as_an_attachment(client, cta):
    url, _ = download_link(thank_you_page(client, cta))
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".pdf" in response["Content-Disposition"]


def test_download_is_not_indexed(client, cta):
    url, _ = download_link(thank_you_page(client, cta))
    assert "noindex" in client.get(url)["X-Robots-Tag"]


def test_download_is_logged_for_its_submission(client, cta):
    url, _ = download_link(thank_you_page(client, cta))
    client.get(url)
    client.get(url)
    events = DownloadEvent.objects.all()
    assert [(e.submission_id, e.document_id) for e in events] == [
        (Submission.objects.get().pk, cta.document_id)
    ] * 2


def test_download_link_works_until_it_expires(client, cta, settings):
    submit(client, cta, lead_form_data(cta))
    reference = Submission.objects.get().reference
    days = settings.LEAD_DOWNLOAD_LINK_DAYS

    def link_signed_days_ago(n):
        token = link_token("download", reference, issued_at=time.time() - n * DAY)
        return reverse("leads:download", args=[token])

    assert client.get(link_signed_days_ago(days - 1)).status_code == 200
    assert client.get(link_signed_days_ago(days + 1)).status_code == 404


@pytest.mark.parametrize("tamper", ["other id", "signature"])
def test_tampered_download_link_is_404(client, cta, tamper):
    submit(client, cta, lead_form_data(cta))
    submit(client, cta, lead_form_data(cta, email="bo@other.example"))
    mine, someone_elses = Submission.objects.order_by("pk")
    value, signature = link_token("download", mine.reference).split(":")
    if tamper == "other id":
        value = value.replace(mine.reference.hex, someone_elses.reference.hex)
    else:
        signature = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    token = f"{value}:{signature}"
    assert client.get(reverse("leads:download", args=[token])).status_code == 404
    assert not DownloadEvent.objects.exists()


def test_thank_you_link_cannot_be_used_as_download_link(client, cta):
    submit(client, cta, lead_form_data(cta))
    token = link_token("thanks", Submission.objects.get().reference)
    assert client.get(reverse("leads:download", args=[token])).status_code == 404


def test_quarantined_submission_gets_no_download_link(client, cta):
    page = thank_you_page(client, cta, website="https://seo.example")
    assert Submission.objects.get().status == Status.SPAM
    assert download_link(page) is None
    assert "/leads/download/" not in page


def test_quarantined_submissions_download_link_is_404(client, cta):
    submit(client, cta, lead_form_data(cta, website="https://seo.example"))
    token = link_token("download", Submission.objects.get().reference)
    assert client.get(reverse("leads:download", args=[token])).status_code == 404
    assert not DownloadEvent.objects.exists()


def test_gated_document_url_is_404_for_anonymous_visitors(client, cta):
    assert cta.document.url.startswith(f"/documents/{cta.document.pk}/")
    assert client.get(cta.document.url).status_code == 404


def test_gated_document_url_is_404_for_a_user_without_document_rights(
    client, cta, django_user_model
):
    user = django_user_model.objects.create_user("reader", "reader@example.com", "x")
    client.force_login(user)
    assert client.get(cta.document.url).status_code == 404


def test_gated_document_url_is_served_to_a_superuser(client, cta, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin", "a@example.com", "x"))
    response = client.get(cta.document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_document_not_offered_by_a_cta_stays_public(client, cta):
    document = make_document("Public price list", content=b"%PDF-1.4\n% public\n")
    response = client.get(document.url)
    assert response.status_code == 200


def test_confirmation_email_carries_the_signed_download_link(
    client, cta, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, cta, lead_form_data(cta))
    (email,) = [message for message in mail.outbox if message.to == ["ana@acme.example"]]
    url = re.search(r"http://testserver(/leads/download/[^/\s]+/)", email.body)[1]
    assert "Download The Playbook" in email.body
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
