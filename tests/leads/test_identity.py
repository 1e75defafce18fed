"""One mailbox, one contact: every spelling of an address that reaches the same mailbox is the
same person for dedup, rate limits, the confirmation limit, privacy and exports."""

import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from leads import privacy, services
from leads.models import Contact, Note, Status, Submission, Subscription, normalise_email
from tests.factories import capture_lead, lead_form_data, make_cta, make_user

pytestmark = pytest.mark.django_db

MAILBOX = "bomb@rl-test.com"
# Each reaches MAILBOX: Django IDNA-encodes the domain when it sends (NFKC, case folding, soft
# hyphen and zero-width characters mapped to nothing).
VARIANTS = {
    "full-width letter in the domain": "bomb@\uff52l-test.com",
    "soft hyphen in the domain": "bomb@rl\u00ad-test.com",
    "zero-width space in the domain": "bomb@rl-\u200btest.com",
    "zero-width joiner in the local part": "bo\u200dmb@rl-test.com",
    "byte order mark in front": "\ufeffbomb@rl-test.com",
    "upper case": "BOMB@RL-TEST.COM",
    "full-width at sign": "bomb\uff20rl-test.com",
    "full-width local part": "\uff42\uff4f\uff4d\uff42@rl-test.com",
    "ideographic space around": "\u3000bomb@rl-test.com\u3000",
}


def post(client, cta, email, **answers):
    return client.post(
        reverse("leads:submit", args=[cta.pk]),
        lead_form_data(cta, email=email, **answers),
        HTTP_ORIGIN="http://testserver",
    )


@pytest.mark.parametrize("variant", VARIANTS.values(), ids=VARIANTS.keys())
def test_every_spelling_of_one_mailbox_normalises_to_it(variant):
    assert normalise_email(variant) == MAILBOX


def test_an_internationalised_domain_is_kept_in_its_ascii_form_and_the_local_case_as_typed():
    from leads.identity import tidy_email

    assert tidy_email(" Ana.Lima@B\u00dccher.example ") == "Ana.Lima@xn--bcher-kva.example"
    assert normalise_email("Ana.Lima@b\u00fccher.example") == "ana.lima@xn--bcher-kva.example"


def test_different_mailboxes_stay_different():
    assert normalise_email("ana@acme.example") != normalise_email("ana@acme.example.org")
    assert normalise_email("ana.lima@acme.example") != normalise_email("analima@acme.example")


def test_every_spelling_of_one_mailbox_makes_one_contact(
    client, django_capture_on_commit_callbacks
):
    cta = make_cta("quote")
    with django_capture_on_commit_callbacks(execute=True):
        for variant in VARIANTS.values():
            assert post(client, cta, variant).status_code == 303, variant
    assert list(Contact.objects.values_list("email", flat=True)) == [MAILBOX]
    assert Submission.objects.filter(contact__email=MAILBOX).count() == len(VARIANTS)


@override_settings(LEAD_RATE_LIMITS="email=3/h")
def test_spellings_of_one_mailbox_share_the_per_email_rate_limit(client):
    cta = make_cta("quote")
    statuses = [post(client, cta, variant).status_code for variant in VARIANTS.values()]
    assert statuses == [303] * 3 + [429] * (len(VARIANTS) - 3)
    assert post(client, cta, "someone.else@rl-test.com").status_code == 303


@override_settings(LEAD_CONFIRMATIONS_PER_HOUR=3)
def test_spellings_of_one_mailbox_share_the_confirmation_limit(
    client, django_capture_on_commit_callbacks
):
    cta = make_cta("quote")
    for variant in list(VARIANTS.values())[:8]:
        with django_capture_on_commit_callbacks(execute=True):
            assert post(client, cta, variant).status_code == 303
    to_the_lead = [message for message in mail.outbox if message.to == [MAILBOX]]
    assert len(to_the_lead) == 3


def test_submission_keeps_the_address_as_given_readable(client):
    cta = make_cta("quote")
    post(client, cta, "\u200bAna.Lima@\uff21cme.example")
    submission = Submission.objects.get()
    assert submission.email == "Ana.Lima@Acme.example"
    assert submission.contact.email == "ana.lima@acme.example"


def test_blocked_domain_cannot_be_dodged_with_a_full_width_letter(client):
    from leads.models import BlockedEmailDomain

    BlockedEmailDomain.objects.create(domain="rl-test.com")
    cta = make_cta("quote")
    post(client, cta, "bomb@\uff52l-test.com")
    assert Submission.objects.get().status == Status.SPAM


@pytest.mark.parametrize("asked_as", [MAILBOX, *VARIANTS.values()])
def test_privacy_find_sees_every_spelling_whichever_is_asked(client, asked_as):
    cta = make_cta("quote")
    for variant in list(VARIANTS.values())[:3]:
        post(client, cta, variant)
    post(client, cta, "BOMB@\uff52l-test.com", website="I am a bot")  # quarantined: no contact
    data = privacy.find(asked_as)
    assert data.contact is not None
    assert len(data.submissions) == 4
    assert privacy.export(asked_as)["email"] == MAILBOX


def test_erasure_leaves_no_spelling_of_the_address_behind(client):
    cta = make_cta("quote")
    for variant in VARIANTS.values():
        post(client, cta, variant, name="Bo Mb")
    post(client, cta, "Bomb@rl\u00ad-test.com", website="I am a bot")
    counts = services.person_erase(email="bomb@\uff52l-test.com")
    assert counts["submissions"] == len(VARIANTS) + 1
    assert not Contact.objects.exists()
    assert set(Submission.objects.values_list("email", flat=True)) == {""}


def test_inbox_export_shows_one_address_for_every_spelling(client):
    cta = make_cta("quote")
    for variant in list(VARIANTS.values())[:4]:
        post(client, cta, variant)
    client.force_login(make_user("sales", "Sales"))
    response = client.get(reverse("leads_inbox:index") + "?export=csv")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert content.count(MAILBOX) == 4
    assert "\uff52" not in content and "\u00ad" not in content and "\u200b" not in content


# The data migration: contacts stored before normalisation --------------------------------


def test_migration_merges_contacts_of_one_mailbox_into_the_oldest_keeping_everything():
    migration = importlib.import_module("leads.migrations.0012_identity_normalise_emails")
    newsletter = make_cta("newsletter")
    old = capture_lead(make_cta("quote"), email="ana@acme.example").submission.contact
    # As the old code stored them: trimmed and lower-case only.
    twin = Contact.objects.create(email="ana@\uff41cme.example", name="Ana L.", phone="+1 555")
    quarantined = capture_lead(make_cta("quote"), email="Ana@\uff41cme.example", spam_reasons=["x"])
    Submission.objects.filter(pk=quarantined.submission.pk).update(email="Ana@\uff41cme.example")
    capture = capture_lead(make_cta("quote"), nonce="two", email="someone@acme.example")
    Submission.objects.filter(pk=capture.submission.pk).update(contact=twin)
    listed = {"cta": newsletter, "mailing_list": services.mailing_list_for(newsletter)}
    Subscription.objects.create(contact=old, status="confirmed", **listed)
    Subscription.objects.create(contact=twin, status="unsubscribed", **listed)
    Note.objects.create(contact=twin, text="Called back", author=None)
    other = Contact.objects.create(email="bob@\uff41cme.example")

    migration.normalise(apps, None)

    assert set(Contact.objects.values_list("email", flat=True)) == {
        "ana@acme.example",
        "bob@acme.example",
        "someone@acme.example",
    }
    kept = Contact.objects.get(email="ana@acme.example")
    assert kept.pk == old.pk
    assert Contact.objects.get(email="bob@acme.example").pk == other.pk
    assert kept.submissions.count() == 2
    assert (kept.name, kept.phone) == ("Ana L.", "+1 555")
    assert kept.notes.get().text == "Called back"
    assert kept.subscriptions.get().status == "unsubscribed", "an opt-out is never lost"
    assert Submission.objects.get(pk=quarantined.submission.pk).email == "Ana@acme.example"
    assert len(privacy.find("ana@acme.example").submissions) == 3
    migration.normalise(apps, None)  # a second run changes nothing
    assert Contact.objects.count() == 3
