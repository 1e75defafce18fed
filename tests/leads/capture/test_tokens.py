"""leads/capture/tokens.py: the signed links we send a lead name a random reference, never
an id."""

import re

import pytest
from django.core import mail, signing
from django.urls import reverse

from leads import services
from leads.capture.tokens import LINK_SALTS
from leads.models import Contact, DownloadEvent, Submission, Subscription
from tests.factories import lead_form_data, make_cta, make_document

pytestmark = pytest.mark.django_db

LEAD = "ana@acme.example"
LINK = re.compile(
    r"http://testserver(/leads/(?:download|subscribe/confirm|unsubscribe)/[^/\s\"]+/)"
)


def submit(client, cta, **answers):
    response = client.post(
        reverse("leads:submit", args=[cta.pk]),
        lead_form_data(cta, **answers),
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 303
    return response["Location"]


def token_parts(path: str) -> list[str]:
    return re.split(r"[:.]", path.rstrip("/").rpartition("/")[2])


@pytest.fixture
def download_cta():
    return make_cta("download", document=make_document("The Playbook"))


def test_no_link_sent_to_a_lead_carries_an_id(
    client, download_cta, django_capture_on_commit_callbacks
):
    """Thank-you, download, confirmation and unsubscribe links: two leads apart, their ids
    would tell how many leads came in between."""
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, make_cta("quote"), email="first@other.example")
        thanks = submit(client, download_cta)
        submit(client, make_cta("newsletter"))
    links = [thanks, *(m for message in mail.outbox for m in LINK.findall(message.body))]
    assert {link.split("/")[2] for link in links} == {
        "thanks",
        "download",
        "subscribe",
        "unsubscribe",
    }

    ids = {
        str(pk)
        for model in (Contact, Submission, Subscription)
        for pk in model.objects.values_list("pk", flat=True)
    }
    for link in links:
        assert not ids & set(token_parts(link)), link
        assert client.get(link).status_code == 200, link


def test_links_issued_before_references_still_work(client, download_cta):
    """Links already in inboxes name the id (TimestampSigner's `<id>:<time>` format): signed,
    so still trusted; unsubscribe links in particular must work for ever."""
    submit(client, download_cta)
    submission, contact = Submission.objects.get(), Contact.objects.get()

    def legacy(purpose, pk):
        return signing.TimestampSigner(salt=LINK_SALTS[purpose]).sign(str(pk))

    assert (
        client.get(reverse("leads:thanks", args=[legacy("thanks", submission.pk)])).status_code
        == 200
    )
    assert (
        client.get(reverse("leads:download", args=[legacy("download", submission.pk)])).status_code
        == 200
    )
    url = reverse("leads:unsubscribe", args=[legacy("unsubscribe", contact.pk)])
    assert client.post(url, HTTP_ORIGIN="http://testserver").status_code == 200
    assert Contact.objects.get().unsubscribed_at is not None


@pytest.mark.parametrize("legacy", [False, True], ids=["link", "link issued before references"])
def test_thank_you_and_download_links_of_an_erased_submission_are_gone(
    client, download_cta, legacy
):
    thanks = submit(client, download_cta)
    submission = Submission.objects.get()
    download = re.search(r'href="(/leads/download/[^"]+/)"', client.get(thanks).content.decode())[1]
    if legacy:
        thanks, download = (
            reverse(
                f"leads:{purpose}",
                args=[signing.TimestampSigner(salt=LINK_SALTS[purpose]).sign(str(submission.pk))],
            )
            for purpose in ("thanks", "download")
        )

    services.person_erase(email=LEAD)

    assert client.get(thanks).status_code == 404
    assert client.get(download).status_code == 404
    assert not DownloadEvent.objects.exists()


def test_a_forged_or_foreign_link_is_not_found(client, download_cta):
    thanks = submit(client, download_cta)
    token = thanks.rstrip("/").rpartition("/")[2]
    for forged in (
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        "not-a-token",
        token.replace(".", "", 1),
        f"{Submission.objects.get().reference.hex}.1:{token.rpartition(':')[2]}",
    ):
        assert client.get(reverse("leads:thanks", args=[forged])).status_code == 404
    unsubscribe = reverse("leads:unsubscribe", args=[token])  # signed for another purpose
    assert client.get(unsubscribe).status_code == 404


def test_form_token_carries_a_campaign_and_tokens_without_one_still_read():
    from leads.capture.tokens import FORM_SALT, form_token, form_token_for_view, read_form_token

    with_campaign = read_form_token(form_token(7, page_id=3, campaign="spring-ebook"), 7)
    assert (with_campaign.valid, with_campaign.campaign) == (True, "spring-ebook")
    # A token rendered before campaigns existed: five items.
    import time

    old = signing.dumps([7, "nonce", time.time(), 3, "v1"], salt=FORM_SALT, compress=False)
    read = read_form_token(old, 7)
    assert (read.valid, read.page_id, read.campaign) == (True, 3, "")
    fresh = form_token_for_view(form_token(7, page_id=3, campaign="spring-ebook"))
    assert read_form_token(fresh, 7).campaign == "spring-ebook"
