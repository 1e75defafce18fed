"""Log lines carry a request id and never an email address."""

import gzip
import json
import logging
import sys

import pytest
from django.test import Client, override_settings

from leadsite.log import JsonFormatter, PlainFormatter
from tests.leadsite.fresh_process import run_python
from tests.live_site import http_receiver


def record(message, *args, exc_info=None):
    entry = logging.LogRecord("leads", logging.ERROR, __file__, 1, message, args, exc_info)
    entry.request_id = "req-1"
    return entry


def test_plain_lines_mask_email_addresses_in_messages():
    line = PlainFormatter("%(message)s").format(record("Duplicate %s", "ana@acme.example"))
    assert line == "Duplicate [email]"


def test_tracebacks_are_masked_too():
    try:
        raise ValueError("Key (email)=(ana.berg+news@acme.example) already exists.")
    except ValueError:
        line = PlainFormatter("%(message)s").format(record("Refused", exc_info=sys.exc_info()))
    assert "acme.example" not in line
    assert "Key (email)=([email]) already exists." in line


def test_json_lines_carry_the_request_id_and_no_address():
    formatter = JsonFormatter("%(levelname)s %(name)s %(request_id)s %(message)s")
    line = json.loads(formatter.format(record("Lead from %s", "ana@acme.example")))
    assert line["request_id"] == "req-1"
    assert line["message"] == "Lead from [email]"


@pytest.mark.django_db
def test_responses_carry_a_fresh_request_id():
    first, second = Client().get("/robots.txt"), Client().get("/robots.txt")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
def test_a_visitor_cannot_choose_the_request_id():
    response = Client().get("/robots.txt", HTTP_X_REQUEST_ID="forged-id")
    assert response["X-Request-ID"] != "forged-id"


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1, LOG_REQUEST_ID_HEADER="HTTP_X_REQUEST_ID")
def test_the_trusted_proxy_s_request_id_is_kept():
    response = Client().get("/robots.txt", HTTP_X_REQUEST_ID="nginx-4f2a")
    assert response["X-Request-ID"] == "nginx-4f2a"


# Error reports (Sentry), sent to a real HTTP server standing in for Sentry's ingest endpoint.

REPORT_AN_ERROR = """
import django; django.setup()
import sentry_sdk
from django.test import Client, override_settings
with override_settings(ROOT_URLCONF="tests.leadsite.failing_urls"):
    response = Client(raise_request_exception=False).post(
        "/fail/?q=ana%40acme.example",
        {"email": "ana@acme.example", "name": "Ana Berg"},
        HTTP_COOKIE="sessionid=secret-session",
    )
print(response.status_code)
sentry_sdk.flush(timeout=10)
"""


def test_error_reports_carry_the_error_but_nothing_the_visitor_typed():
    with http_receiver() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        result = run_python(
            "-c",
            REPORT_AN_ERROR,
            DJANGO_SETTINGS_MODULE="leadsite.settings.test",
            SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/1",
        )
        assert result.stdout.strip() == "500", result.stderr
        reports = [
            gzip.decompress(r.body) if r.body[:2] == b"\x1f\x8b" else r.body
            for r in receiver.requests
        ]
    sent = b"".join(reports).decode()
    assert "ValueError" in sent
    assert "Could not store [email]" in sent
    for typed in ("acme.example", "Ana Berg", "secret-session"):
        assert typed not in sent
