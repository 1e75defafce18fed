"""Contact properties in the admin (leads/admin/properties.py): sales managers add and change
them, choices as "code | label" lines, the key fixed once saved; no one else sees them."""

import pytest
from django.urls import reverse

from leads.models import ContactProperty
from tests.factories import log_in

pytestmark = pytest.mark.django_db

INDEX = "leads_properties:index"
ADD = "leads_properties:add"


def form(**fields):
    return {
        "label": "CRM used",
        "key": "crm_used",
        "type": "choice",
        "choices_text": "hubspot | HubSpot\nsalesforce | Salesforce\n\nnone|We have none",
        "help_text": "",
    } | fields


def test_a_manager_adds_a_property_with_choices_written_as_lines(client):
    log_in(client, "manager")
    response = client.post(reverse(ADD), form())
    assert response.status_code == 302
    prop = ContactProperty.objects.get(key="crm_used")
    assert prop.choices == [
        ["hubspot", "HubSpot"],
        ["salesforce", "Salesforce"],
        ["none", "We have none"],
    ]
    listing = client.get(reverse(INDEX)).content.decode()
    assert "CRM used" in listing and "HubSpot, Salesforce, We have none" in listing


def test_the_key_cannot_change_once_saved(client):
    log_in(client, "manager")
    prop = ContactProperty.objects.get(key="company_size")
    url = reverse("leads_properties:edit", args=[prop.pk])
    page = client.get(url).content.decode()
    assert "11-50 | 11-50 people" in page  # the choices read as lines
    assert "disabled" in page.split('name="key"', 1)[1].split(">", 1)[0]
    text = "\n".join(f"{c} | {label}" for c, label in prop.choices)
    response = client.post(
        url, form(key="renamed", label="Team size", type="choice", choices_text=text)
    )
    assert response.status_code == 302
    prop.refresh_from_db()
    assert (prop.key, prop.label) == ("company_size", "Team size")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"key": "email"}, "is a built-in contact detail (Email)"),
        ({"key": "company_size"}, "already exists"),
        ({"key": "CRM used"}, "Enter a valid"),
        ({"choices_text": ""}, "Give at least one choice"),
        ({"choices_text": "a | A\na | Again"}, "Line 2: the code &#x27;a&#x27; is already used"),
        ({"choices_text": "a, b | A or B"}, "Line 1: a code cannot hold a comma"),
        ({"type": "text"}, "Only &#x27;one of a list&#x27; and &#x27;several of a list&#x27;"),
    ],
)
def test_mistakes_are_refused_with_a_message_saying_what_to_do(client, fields, message):
    log_in(client, "manager")
    response = client.post(reverse(ADD), form(**fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ContactProperty.objects.filter(label="CRM used").exists()


@pytest.mark.parametrize("role", ["sales", "editor", "moderator"])
def test_only_sales_managers_see_contact_properties(client, role):
    log_in(client, role)
    response = client.get(reverse(INDEX))
    assert response.status_code in (302, 403)
    assert client.post(reverse(ADD), form()).status_code in (302, 403)
    assert not ContactProperty.objects.filter(key="crm_used").exists()


def test_managers_find_contact_properties_in_the_leads_menu(client):
    log_in(client, "manager")
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse(INDEX) in html
    log_in(client, "sales", username="sam")
    assert reverse(INDEX) not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_a_new_property_is_offered_at_once_to_questions(client):
    from leads.questions.properties import property_choices

    property_choices()  # remembered for a while...
    log_in(client, "manager")
    client.post(reverse(ADD), form())
    assert property_choices()["crm_used"][0] == ("hubspot", "HubSpot")  # ...forgotten on save
