"""Small helpers for the tests of nurture sequences and webinar reminders: emails, people who
may get marketing email, sequences with their steps, and a real SMTP server to send to."""

import contextlib
import email
import itertools
from email import policy

from django.test import override_settings

from leads.models import Contact
from mailings.models import Email, Sequence, SequenceStep, SequenceTrigger
from tests.factories import answer_form, consent_question, make_form_cta
from tests.live_site import free_port, smtp_server, smtp_settings

_count = itertools.count(1)


def make_email(name=None, *, subject=None, text="A tip for you.", **fields) -> Email:
    n = next(_count)
    return Email.objects.create(
        name=name or f"Nurture step {n}",
        subject=subject or f"Tip {n}",
        body=[("text", f"<p>{text}</p>")],
        **fields,
    )


def marketing_cta(**fields):
    """A CTA whose form asks for marketing consent (optional)."""
    return make_form_cta(consent_question("marketing"), **fields)


def lead_with_consent(cta=None, *, consent=True, **answers):
    """A submission of `cta` (a marketing-consent form of its own unless given) by a person
    who gave marketing consent (or refused it)."""
    cta = cta or marketing_cta()
    return answer_form(cta, consents={"marketing": consent}, **answers)


def marketable_contact(**answers) -> Contact:
    return lead_with_consent(**answers).contact


def make_sequence(*steps, trigger=SequenceTrigger.MANUAL, name=None, **fields) -> Sequence:
    """A sequence of `steps`, each a dict of SequenceStep fields (an email is made if none):
    make_sequence({"delay": 2, "delay_unit": "days"}, {"delay": 1})."""
    n = next(_count)
    sequence = Sequence(name=name or f"Sequence {n}", trigger=trigger, **fields)
    sequence.full_clean(exclude=["steps"])
    sequence.save()
    for position, step in enumerate(steps or [{}]):
        step = {"delay": 1, "delay_unit": "days", **step}
        step.setdefault("email", make_email())
        SequenceStep.objects.create(sequence=sequence, sort_order=position, **step)
    return sequence


@contextlib.contextmanager
def smtp():
    """A real SMTP server (aiosmtpd), and Django sending to it, unthrottled."""
    port = free_port()
    with smtp_server(port) as collector, override_settings(**smtp_settings(port), MAIL_SEND_RATE=0):
        yield collector


def messages(collector) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(envelope.content, policy=policy.default)
        for envelope in collector.envelopes
    ]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()
