"""A person's data export (right of access) shows the email sent to them and the sequences
they were in; the suppression of their address shows too."""

import json

from django.utils import timezone

from leads import privacy
from leads.models import Suppression, email_digest
from mailings.models import Broadcast, Click, Email, Enrolment, Send, Sequence
from tests.factories import capture_lead, make_cta

EMAIL = "ana@acme.example"


def test_export_lists_emails_sent_clicks_sequences_and_suppression(db):
    cta = make_cta("download")
    contact = capture_lead(cta, email=EMAIL).submission.contact
    email = Email.objects.create(name="March", subject="Three forms that convert")
    broadcast = Broadcast.objects.create(name="March", email=email)
    now = timezone.now()
    send = Send.objects.create(
        contact=contact,
        kind="broadcast",
        broadcast=broadcast,
        status="sent",
        due_at=now,
        sent_at=now,
    )
    Click.objects.create(send=send, url="https://example.com/guide")
    sequence = Sequence.objects.create(name="After the eBook", trigger="cta", trigger_cta=cta)
    Enrolment.objects.create(sequence=sequence, contact=contact)
    Suppression.objects.create(email=EMAIL, digest=email_digest(EMAIL), reason="complaint")

    exported = privacy.export(EMAIL)

    assert json.loads(json.dumps(exported)) == exported
    [sent] = exported["emails_sent"]
    assert (sent["subject"], sent["status"]) == ("Three forms that convert", "sent")
    assert [c["link"] for c in sent["clicks"]] == ["https://example.com/guide"]
    assert [s["sequence"] for s in exported["sequences"]] == ["After the eBook"]
    assert [s["reason"] for s in exported["suppressed"]] == ["complaint"]


def test_export_of_an_unknown_address_has_no_email_sections(db):
    exported = privacy.export("nobody@nowhere.example")

    assert "emails_sent" not in exported
    assert exported["suppressed"] == []
