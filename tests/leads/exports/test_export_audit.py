"""Every export of personal data leaves a trace in Wagtail's audit log (who, when, format, rows,
filters), with no personal data in it; and the privacy export's links point at the real site."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import override_settings
from wagtail.models import ModelLogEntry

from leads import privacy
from leads.models import Contact, Submission
from tests.factories import capture_lead, make_article, make_cta, make_user

pytestmark = pytest.mark.django_db

EMAIL = "ana@acme.example"
NAME = "Ana Lima"


@pytest.fixture
def leads(db):
    cta = make_cta("quote")
    return [
        capture_lead(cta, email=EMAIL, name=NAME).submission,
        capture_lead(cta, email="bob@beta.example", name="Bob Berg").submission,
    ]


def exports() -> list[ModelLogEntry]:
    return list(ModelLogEntry.objects.filter(action="leads.export").order_by("pk"))


def assert_no_personal_data(entry: ModelLogEntry) -> None:
    text = json.dumps([entry.label, entry.data, entry.object_id]).lower()
    for personal in (EMAIL, "ana", "lima", "bob", "berg", "acme"):
        assert personal not in text


def download(client, url, **params) -> bytes:
    response = client.get(url, params)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_inbox_export_is_in_the_audit_log(client, leads, export_format):
    sales = make_user("sally", "Sales")
    client.force_login(sales)

    download(client, "/admin/leads/", export=export_format, status="new", q="Lima")

    (entry,) = exports()
    assert entry.user == sales
    assert entry.label == "Lead inbox export"
    assert entry.content_type.model_class() is Submission
    assert entry.data == {
        "format": export_format,
        "rows": 1,
        "filters": {"status": "new", "search": "(a search term, not recorded)"},
    }
    assert entry.timestamp is not None
    assert_no_personal_data(entry)


def test_contacts_export_is_in_the_audit_log(client, leads):
    sales = make_user("sally", "Sales")
    client.force_login(sales)

    download(client, "/admin/leads/contacts/", export="csv")

    (entry,) = exports()
    assert (entry.user, entry.label, entry.data["rows"]) == (sales, "Contacts export", 2)
    assert entry.content_type.model_class() is Contact
    assert_no_personal_data(entry)


def test_privacy_export_is_in_the_audit_log(client, leads):
    manager = make_user("morgan", "Sales managers")
    client.force_login(manager)

    response = client.post("/admin/leads/privacy/", {"action": "export", "email": EMAIL})

    assert response.status_code == 200
    assert json.loads(response.content)["email"] == EMAIL
    (entry,) = exports()
    assert (entry.user, entry.label, entry.data["format"], entry.data["rows"]) == (
        manager,
        "Privacy export",
        "json",
        1,
    )
    assert_no_personal_data(entry)


def test_privacy_export_from_the_command_line_is_in_the_audit_log(leads):
    call_command("lead_data", "export", EMAIL, stdout=io.StringIO())

    (entry,) = exports()
    assert (entry.user, entry.label) == (None, "Privacy export (command line)")
    assert_no_personal_data(entry)


def test_export_trace_outlives_the_erasure_of_the_person(client, leads):
    manager = make_user("morgan", "Sales managers")
    client.force_login(manager)
    client.post("/admin/leads/privacy/", {"action": "export", "email": EMAIL})

    client.post(
        "/admin/leads/privacy/", {"action": "erase", "email": EMAIL, "confirm_email": EMAIL}
    )

    assert not Contact.objects.filter(email=EMAIL).exists()
    assert [entry.label for entry in exports()] == ["Privacy export"]


def test_exports_read_plainly_in_the_logs_report(client, django_user_model, leads):
    admin = django_user_model.objects.create_superuser("root", "root@staff.example", "pw")
    client.force_login(admin)
    download(client, "/admin/leads/", export="csv", status="new")

    page = client.get("/admin/reports/site-history/").content.decode()

    assert "Export personal data" in page
    assert "2 rows exported as csv (status: new)" in page


@override_settings(WAGTAILADMIN_BASE_URL="https://www.example.com/")
def test_privacy_export_links_pages_at_the_sites_real_address(leads, article_index):
    article = make_article(article_index, "Lead scoring 101")
    Submission.objects.filter(pk=leads[0].pk).update(page=article)

    exported = privacy.export(EMAIL)

    (submission,) = exported["submissions"]
    assert submission["page_url"] == f"https://www.example.com{article.url}"
