"""The Contacts list (/admin/leads/contacts/): what its columns show and what its export gives."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.utils import dateformat, timezone

from leads import services
from leads.models import Contact
from tests.factories import capture_lead, make_cta, make_user

pytestmark = pytest.mark.django_db

CONTACTS = "/admin/leads/contacts/"


@pytest.fixture
def sales(client, db):
    user = make_user("sally", "Sales")
    client.force_login(user)
    return user


def test_updated_column_shows_when_the_contact_changed(client, sales):
    contact = capture_lead(make_cta("quote")).submission.contact
    changed = timezone.now().replace(microsecond=0) - datetime.timedelta(days=40)
    Contact.objects.filter(pk=contact.pk).update(updated_at=changed)
    services.note_add(contact=contact, text="Called, no answer.", by=sales)  # logged today

    page = client.get(CONTACTS).content.decode()

    assert f'datetime="{dateformat.format(timezone.localtime(changed), "c")}"' in page


def test_contacts_export_gives_the_listed_contacts(client, sales):
    cta = make_cta("quote")
    capture_lead(cta, email="ana@acme.example", name="Ana Lima", company="Acme")
    capture_lead(cta, email="bob@beta.example", name="Bob Berg", company="=HYPERLINK(1)")

    assert "export=csv" in client.get(CONTACTS).content.decode()  # the download is offered
    response = client.get(CONTACTS, {"export": "csv"})

    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content, newline="")))
    assert rows[0][:3] == ["Name", "Email", "Company"]
    assert sorted(row[:3] for row in rows[1:]) == [
        ["Ana Lima", "ana@acme.example", "Acme"],
        ["Bob Berg", "bob@beta.example", "'=HYPERLINK(1)"],
    ]
    assert response["Content-Disposition"].startswith('attachment; filename="contacts-')


def test_contacts_export_honours_the_search(client, sales):
    cta = make_cta("quote")
    capture_lead(cta, email="ana@acme.example", name="Ana Lima")
    capture_lead(cta, email="bob@beta.example", name="Bob Berg")

    response = client.get(CONTACTS, {"export": "xlsx", "q": "Berg"})

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Bob Berg"]


def test_contacts_export_without_the_export_right_is_a_404(client, django_user_model):
    viewer = django_user_model.objects.create_user("vic", "vic@staff.example", "pw")
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_contact"),
    )
    client.force_login(viewer)
    capture_lead(make_cta("quote"))

    listing = client.get(CONTACTS)
    assert listing.status_code == 200
    assert "export=csv" not in listing.content.decode()
    assert client.get(CONTACTS, {"export": "csv"}).status_code == 404
    assert client.get(CONTACTS, {"export": "xlsx"}).status_code == 404
