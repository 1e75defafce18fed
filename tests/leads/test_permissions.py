"""Who sees leads in the admin: every lead URL x every role, guessed ids included (issue 4).

ALLOWED says which roles get in; everyone else is refused: anonymous people are sent to the
login page, signed-in people without the right get Wagtail's "permission denied" (a redirect to
the dashboard) or a 403. A refused request shows no personal data of any lead and changes
nothing in the database. A guessed id (one that does not exist, or one of another contact) gets
the same refusal as a real one; with the right, it is a 404 (one tolerated exception: Wagtail's
snippet views answer 404 to anyone for a guessed blocked-domain id, which is not personal data).

Sales and Sales managers work leads; editors and moderators see no trace of them; no one adds,
edits or deletes a submission through the generic admin views (only services write).
The data is built once for the module (one transaction, rolled back at the end); each test runs
in a savepoint inside it, as Django's TestCase.setUpTestData does.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse
from wagtail.models import GroupPagePermission, ModelLogEntry

from leads import services
from leads.memo import Memo
from leads.models import (
    Attachment,
    BlockedEmailDomain,
    Campaign,
    Contact,
    ContactProperty,
    Delivery,
    DeliveryStatus,
    DownloadEvent,
    LeadSettings,
    Note,
    ScoringRule,
    ScoringSettings,
    Status,
    Submission,
    Subscription,
)
from tests.factories import GROUPS, capture_lead, make_cta, make_user

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "editor", "moderator", "sales", "manager", "superuser"]
PERSON = {"email": "secret.person@acme.example", "name": "Secreta Person"}
OTHER_PERSON = {"email": "other.person@beta.example", "name": "Otto Other"}
PERSONAL_DATA = [*PERSON.values(), *OTHER_PERSON.values()]
MISSING = 987654  # an id no row has


# Data --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Data:
    """Ids of what the URLs point at (ids, not instances: each test reads its own rows)."""

    users: dict[str, int]  # role -> user id
    contact: int
    submission: int
    delivery: int  # a failed delivery of `submission`, so it can be retried
    notes: dict[str, int]  # role -> a note on `contact` written by that role's user
    other_contact: int  # another person, whose ids are "guessed" on the first one's URLs
    other_submission: int
    other_delivery: int
    other_note: int
    attachment: int  # a file uploaded with `submission`
    other_attachment: int  # one uploaded with `other_submission`
    campaign: int
    rule: int
    domain: int
    scoring_settings: int
    lead_settings: int
    contact_property: int


def build_data() -> Data:
    users = {
        role: make_user(role, GROUPS.get(role), superuser=role == "superuser") for role in ROLES[1:]
    }
    cta = make_cta("quote")
    lead = capture_lead(cta, **PERSON).submission
    other = capture_lead(cta, nonce="render-2", **OTHER_PERSON).submission
    # A reviewed lead has a history: its status change is in the audit log.
    services.submission_set_status(submission=lead, to=Status.IN_REVIEW, by=users["sales"])
    failed = {}
    for submission in (lead, other):
        delivery = submission.deliveries.first()
        delivery.status = DeliveryStatus.FAILED
        delivery.save(update_fields=["status"])
        failed[submission.pk] = delivery.pk
    notes = {
        role: Note.objects.create(contact=lead.contact, author=user, text=f"Note by {role}").pk
        for role, user in users.items()
    }
    attachments = {}
    for submission in (lead, other):
        attachment = Attachment(
            submission=submission,
            question="brief",
            name="brief.pdf",
            size=4,
            uploaded_at=submission.received_at,
        )
        attachment.file.save("brief.pdf", ContentFile(b"%PDF"), save=True)
        attachments[submission.pk] = attachment.pk
    return Data(
        users={role: user.pk for role, user in users.items()},
        attachment=attachments[lead.pk],
        other_attachment=attachments[other.pk],
        contact=lead.contact_id,
        submission=lead.pk,
        delivery=failed[lead.pk],
        notes=notes,
        other_contact=other.contact_id,
        other_submission=other.pk,
        other_delivery=failed[other.pk],
        other_note=Note.objects.create(
            contact=other.contact, author=users["manager"], text="Note on the other"
        ).pk,
        campaign=Campaign.objects.create(
            name="Spring", utm_campaign="spring", spend=1000, currency="EUR"
        ).pk,
        rule=ScoringRule.objects.create(
            signal="answer", field="budget", value="matrix", points=5, label="Matrix budget"
        ).pk,
        domain=BlockedEmailDomain.objects.create(domain="spam.example").pk,
        scoring_settings=ScoringSettings.load().pk,
        lead_settings=LeadSettings.load().pk,
        contact_property=ContactProperty.objects.get(key="industry").pk,
    )


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):
    """Built once for the module in a transaction that is rolled back afterwards; each test's
    own transaction is a savepoint inside it, so no test sees another's writes.

    Set up before the tests' own autouse fixtures, so it empties the per-process memos itself:
    they may hold rows of an earlier module's tests (a consent wording), rolled back since."""
    Memo.clear_all()
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_data()
        transaction.set_rollback(True)
    Memo.clear_all()


def sign_in(client, role: str, data: Data):
    if role != "anonymous":
        client.force_login(get_user_model().objects.get(pk=data.users[role]))


# The URLs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Url:
    path: Callable[[Data, str], str]  # (data, role) -> path
    method: str = "GET"
    form: Callable[[Data], dict] = lambda data: {}
    guessed: bool = False  # the id does not exist or is another contact's: 404 with the right
    # Wagtail's snippet views look an id up before they check rights, so a guessed one is a 404
    # for everyone. Tolerated for blocked domains only: they hold no personal data.
    looked_up_first: bool = False
    # A request by an allowed role changes the database (a POST, or an export: its audit entry)
    writes: bool = False
    route: str = ""  # the URL's name, e.g. "leads_inbox:index"


def get(name, *ids, query="", **options):
    return Url(
        lambda data, role: reverse(name, args=[ids_of(data, role, i) for i in ids]) + query,
        route=name,
        **options,
    )


def post(name, *ids, form=lambda data: {}, **options):
    return get(name, *ids, method="POST", form=form, **options)


def ids_of(data: Data, role: str, key):
    """An id by its Data attribute name ("contact"), "note" (the note the signed-in role
    wrote; the manager's for anonymous people), or anything else as it is (MISSING, "leads")."""
    if key == "note":
        return data.notes.get(role, data.notes["manager"])
    return getattr(data, key, key) if isinstance(key, str) else key


def campaign_form(data):
    return {"name": "Changed", "utm_campaign": "changed", "spend": "5", "currency": "USD"}


def rule_form(data):
    return {"condition": "answer:timeline:exploring", "points": "9", "label": "X"}


def property_form(data):
    return {"label": "Matrix", "key": "matrix", "type": "text", "choices_text": "", "help_text": ""}


def status_form(data):
    return {f"status-{data.submission}-to": Status.QUALIFIED}


def assign_form(data):
    return {f"assign-{data.submission}-owner": data.users["sales"]}


def erase_form(data):
    return {"action": "erase", "email": PERSON["email"], "confirm_email": PERSON["email"]}


SETTINGS = "wagtailsettings:edit"
URLS = {
    # The inbox (leads/admin/inbox/)
    "inbox": get("leads_inbox:index"),
    "inbox_search": get("leads_inbox:index", query="?q=secret.person"),
    "inbox_results": get("leads_inbox:index_results"),
    "inbox_export_csv": get("leads_inbox:index", query="?export=csv", writes=True),
    "inbox_export_xlsx": get("leads_inbox:index", query="?export=xlsx", writes=True),
    "inbox_inspect": get("leads_inbox:inspect", "submission"),
    "inbox_inspect_guessed": get("leads_inbox:inspect", MISSING, guessed=True),
    "inbox_add": get("leads_inbox:add"),
    "inbox_add_post": post("leads_inbox:add", form=lambda data: {"status": Status.NEW}),
    "inbox_edit": get("leads_inbox:edit", "submission"),
    "inbox_edit_post": post("leads_inbox:edit", "submission", form=lambda d: {"status": "spam"}),
    "inbox_edit_guessed": get("leads_inbox:edit", MISSING, guessed=True),
    "inbox_delete": get("leads_inbox:delete", "submission"),
    "inbox_delete_post": post("leads_inbox:delete", "submission"),
    "inbox_delete_guessed": post("leads_inbox:delete", MISSING, guessed=True),
    "inbox_history": get("leads_inbox:history", "submission"),
    "inbox_history_results": get("leads_inbox:history_results", "submission"),
    "inbox_history_guessed": get("leads_inbox:history", MISSING, guessed=True),
    "inbox_usage": get("leads_inbox:usage", "submission"),
    "inbox_copy": get("leads_inbox:copy", "submission"),
    "inbox_copy_guessed": get("leads_inbox:copy", MISSING, guessed=True),
    "inbox_bulk": post(
        "leads_inbox:bulk",
        form=lambda data: {"ids": [data.submission], "action": "qualify"},
        writes=True,
    ),
    "inbox_bulk_guessed": post(
        "leads_inbox:bulk", form=lambda data: {"ids": [MISSING], "action": "spam"}
    ),
    # Contacts and the contact page (leads/admin/contact/)
    "contacts": get("leads_contact:index"),
    "contacts_search": get("leads_contact:index", query="?q=secret.person"),
    "contacts_results": get("leads_contact:index_results"),
    "contacts_export_csv": get("leads_contact:index", query="?export=csv", writes=True),
    "contact": get("leads_contact:detail", "contact"),
    "contact_guessed": get("leads_contact:detail", MISSING, guessed=True),
    "status": post("leads_contact:status", "contact", "submission", form=status_form, writes=True),
    "status_other_contact": post(
        "leads_contact:status",
        "contact",
        "other_submission",
        guessed=True,
        form=lambda data: {f"status-{data.other_submission}-to": Status.IN_REVIEW},
    ),
    "status_guessed": post(
        "leads_contact:status", MISSING, "submission", form=status_form, guessed=True
    ),
    "assign": post("leads_contact:assign", "contact", "submission", form=assign_form, writes=True),
    "assign_other_contact": post(
        "leads_contact:assign", "other_contact", "submission", form=assign_form, guessed=True
    ),
    "note_add": post(
        "leads_contact:note_add", "contact", form=lambda d: {"note-add-text": "Hi"}, writes=True
    ),
    "note_add_guessed": post(
        "leads_contact:note_add", MISSING, form=lambda d: {"note-add-text": "Hi"}, guessed=True
    ),
    "note_edit": post(
        "leads_contact:note_edit",
        "contact",
        "note",
        writes=True,
        form=lambda data: {f"note-{note}-text": "Edited" for note in data.notes.values()},
    ),
    "note_edit_other_contact": post(
        "leads_contact:note_edit",
        "contact",
        "other_note",
        guessed=True,
        form=lambda data: {f"note-{data.other_note}-text": "Edited"},
    ),
    "attachment": get("leads_contact:attachment", "contact", "attachment"),
    "attachment_other_contact": get(
        "leads_contact:attachment", "contact", "other_attachment", guessed=True
    ),
    "delivery_retry": post("leads_contact:delivery_retry", "contact", "delivery", writes=True),
    "delivery_retry_other_contact": post(
        "leads_contact:delivery_retry", "contact", "other_delivery", guessed=True
    ),
    # Analytics and campaigns (leads/admin/analytics/)
    "analytics": get("leads_analytics"),
    "analytics_90_days": get("leads_analytics", query="?days=90"),
    "analytics_csv": Url(
        lambda data, role: reverse("leads_analytics_csv", args=["sources"]),
        route="leads_analytics_csv",
        writes=True,  # a download is recorded in the audit log, like every export
    ),
    "campaigns": get("leads_campaigns:index"),
    "campaigns_results": get("leads_campaigns:index_results"),
    "campaign_inspect": get("leads_campaigns:inspect", "campaign"),
    "campaign_add": get("leads_campaigns:add"),
    "campaign_add_post": post("leads_campaigns:add", form=campaign_form, writes=True),
    "campaign_edit": get("leads_campaigns:edit", "campaign"),
    "campaign_edit_post": post("leads_campaigns:edit", "campaign", form=campaign_form, writes=True),
    "campaign_edit_guessed": get("leads_campaigns:edit", MISSING, guessed=True),
    "campaign_delete": get("leads_campaigns:delete", "campaign"),
    "campaign_delete_post": post("leads_campaigns:delete", "campaign", writes=True),
    "campaign_history": get("leads_campaigns:history", "campaign"),
    "campaign_history_results": get("leads_campaigns:history_results", "campaign"),
    "campaign_usage": get("leads_campaigns:usage", "campaign"),
    "campaign_copy": get("leads_campaigns:copy", "campaign"),
    # Scoring (leads/admin/scoring.py) and its settings
    "scoring": get("leads_scoring:index"),
    "scoring_results": get("leads_scoring:index_results"),
    "rule_add": get("leads_scoring:add"),
    "rule_add_post": post("leads_scoring:add", form=rule_form, writes=True),
    "rule_edit": get("leads_scoring:edit", "rule"),
    "rule_edit_post": post("leads_scoring:edit", "rule", form=rule_form, writes=True),
    "rule_edit_guessed": get("leads_scoring:edit", MISSING, guessed=True),
    "rule_delete": get("leads_scoring:delete", "rule"),
    "rule_delete_post": post("leads_scoring:delete", "rule", writes=True),
    "rule_history": get("leads_scoring:history", "rule"),
    "rule_history_results": get("leads_scoring:history_results", "rule"),
    "rule_usage": get("leads_scoring:usage", "rule"),
    "rule_copy": get("leads_scoring:copy", "rule"),
    "scoring_settings": get(SETTINGS, "leads", "scoringsettings", "scoring_settings"),
    "scoring_settings_post": post(
        SETTINGS,
        "leads",
        "scoringsettings",
        "scoring_settings",
        form=lambda d: {"half_life_days": "7", "hot_threshold": "1", "free_mail_domains": "x.io"},
        writes=True,
    ),
    # Contact properties (leads/admin/properties.py)
    "properties": get("leads_properties:index"),
    "properties_results": get("leads_properties:index_results"),
    "property_add": get("leads_properties:add"),
    "property_add_post": post("leads_properties:add", form=property_form, writes=True),
    "property_edit": get("leads_properties:edit", "contact_property"),
    "property_edit_post": post(
        "leads_properties:edit", "contact_property", form=property_form, writes=True
    ),
    "property_edit_guessed": get("leads_properties:edit", MISSING, guessed=True),
    "property_delete": get("leads_properties:delete", "contact_property"),
    "property_delete_post": post("leads_properties:delete", "contact_property", writes=True),
    "property_history": get("leads_properties:history", "contact_property"),
    "property_history_results": get("leads_properties:history_results", "contact_property"),
    "property_usage": get("leads_properties:usage", "contact_property"),
    "property_copy": get("leads_properties:copy", "contact_property"),
    # Lead settings and blocked email domains (leads/wagtail_hooks.py)
    "lead_settings": get(SETTINGS, "leads", "leadsettings", "lead_settings"),
    "lead_settings_post": post(
        SETTINGS,
        "leads",
        "leadsettings",
        "lead_settings",
        form=lambda d: {"sales_inbox": "x@example.com", "webhook_url": "", "webhook_secret": ""},
        writes=True,
    ),
    "domains": get("wagtailsnippets_leads_blockedemaildomain:list"),
    "domains_results": get("wagtailsnippets_leads_blockedemaildomain:list_results"),
    "domain_add_post": post(
        "wagtailsnippets_leads_blockedemaildomain:add",
        form=lambda d: {"domain": "junk.example", "note": ""},
        writes=True,
    ),
    "domain_edit": get("wagtailsnippets_leads_blockedemaildomain:edit", "domain"),
    "domain_edit_guessed": get(
        "wagtailsnippets_leads_blockedemaildomain:edit", MISSING, guessed=True, looked_up_first=True
    ),
    "domain_delete_post": post(
        "wagtailsnippets_leads_blockedemaildomain:delete", "domain", writes=True
    ),
    "domain_history": get("wagtailsnippets_leads_blockedemaildomain:history", "domain"),
    "domain_history_results": get(
        "wagtailsnippets_leads_blockedemaildomain:history_results", "domain"
    ),
    "domain_copy": get("wagtailsnippets_leads_blockedemaildomain:copy", "domain"),
    "domain_usage": get("wagtailsnippets_leads_blockedemaildomain:usage", "domain"),
    # Privacy tools (leads/admin/privacy.py)
    "privacy": get("leads_privacy"),
    "privacy_find": post("leads_privacy", form=lambda d: {"email": PERSON["email"]}),
    "privacy_export": post(
        "leads_privacy", form=lambda d: {"action": "export", "email": PERSON["email"]}, writes=True
    ),
    "privacy_erase": post("leads_privacy", form=erase_form, writes=True),
    # Not lead data: calls to action are page content, edited by editors.
    "cta_library": get("wagtailsnippets_leads_calltoaction:list"),
}

LEADS = {"sales", "manager", "superuser"}
MANAGERS = {"manager", "superuser"}
NOBODY: set[str] = set()
EDITORS = {"editor", "moderator", "superuser"}
ALLOWED = {  # url name -> roles that may open it; everyone else is refused
    "inbox": LEADS,
    "inbox_search": LEADS,
    "inbox_results": LEADS,
    "inbox_export_csv": LEADS,
    "inbox_export_xlsx": LEADS,
    "inbox_inspect": LEADS,
    "inbox_inspect_guessed": LEADS,
    # Submissions are records: the generic add, edit, delete, history and usage are closed.
    "inbox_add": NOBODY,
    "inbox_add_post": NOBODY,
    "inbox_edit": NOBODY,
    "inbox_edit_post": NOBODY,
    "inbox_edit_guessed": NOBODY,
    "inbox_delete": NOBODY,
    "inbox_delete_post": NOBODY,
    "inbox_delete_guessed": NOBODY,
    "inbox_history": NOBODY,
    "inbox_history_results": NOBODY,
    "inbox_history_guessed": NOBODY,
    "inbox_usage": NOBODY,
    "inbox_copy": NOBODY,
    "inbox_copy_guessed": NOBODY,
    "inbox_bulk": LEADS,
    "inbox_bulk_guessed": LEADS,  # a redirect with "no longer exist", nothing changed
    "contacts": LEADS,
    "contacts_search": LEADS,
    "contacts_results": LEADS,
    "contacts_export_csv": LEADS,
    "contact": LEADS,
    "contact_guessed": LEADS,
    "status": LEADS,
    "status_other_contact": LEADS,
    "status_guessed": LEADS,
    "assign": LEADS,
    "assign_other_contact": LEADS,
    "note_add": LEADS,
    "note_add_guessed": LEADS,
    "note_edit": LEADS,
    "note_edit_other_contact": LEADS,
    "attachment": LEADS,
    "attachment_other_contact": LEADS,
    "delivery_retry": LEADS,
    "delivery_retry_other_contact": LEADS,
    "analytics": LEADS,
    "analytics_90_days": LEADS,
    "analytics_csv": LEADS,
    "campaigns": LEADS,
    "campaigns_results": LEADS,
    "campaign_inspect": LEADS,
    "campaign_add": MANAGERS,
    "campaign_add_post": MANAGERS,
    "campaign_edit": MANAGERS,
    "campaign_edit_post": MANAGERS,
    "campaign_edit_guessed": MANAGERS,
    "campaign_delete": MANAGERS,
    "campaign_delete_post": MANAGERS,
    "campaign_history": MANAGERS,
    "campaign_history_results": MANAGERS,
    "campaign_usage": MANAGERS,
    "campaign_copy": MANAGERS,
    "scoring": LEADS,
    "scoring_results": LEADS,
    "rule_add": MANAGERS,
    "rule_add_post": MANAGERS,
    "rule_edit": MANAGERS,
    "rule_edit_post": MANAGERS,
    "rule_edit_guessed": MANAGERS,
    "rule_delete": MANAGERS,
    "rule_delete_post": MANAGERS,
    "rule_history": MANAGERS,
    "rule_history_results": MANAGERS,
    "rule_usage": MANAGERS,
    "rule_copy": MANAGERS,
    "scoring_settings": MANAGERS,
    "scoring_settings_post": MANAGERS,
    "lead_settings": MANAGERS,
    "lead_settings_post": MANAGERS,
    "domains": MANAGERS,
    "domains_results": MANAGERS,
    "domain_add_post": MANAGERS,
    "domain_edit": MANAGERS,
    "domain_edit_guessed": MANAGERS,
    "domain_delete_post": MANAGERS,
    "domain_history": MANAGERS,
    "domain_history_results": MANAGERS,
    "domain_copy": MANAGERS,
    "domain_usage": MANAGERS,
    # Contact properties: sales managers only, not even a look for sales.
    **dict.fromkeys(
        (
            "properties",
            "properties_results",
            "property_add",
            "property_add_post",
            "property_edit",
            "property_edit_post",
            "property_edit_guessed",
            "property_delete",
            "property_delete_post",
            "property_history",
            "property_history_results",
            "property_usage",
            "property_copy",
        ),
        MANAGERS,
    ),
    "privacy": MANAGERS,
    "privacy_find": MANAGERS,
    "privacy_export": MANAGERS,
    "privacy_erase": MANAGERS,
    "cta_library": EDITORS,
}
# Where someone with the right sees the person: proof that the "no personal data" check of
# the refused responses would catch a leak.
SHOWS_THE_PERSON = {
    "inbox",
    "inbox_search",
    "inbox_export_csv",
    "contacts_export_csv",
    "contact",
    "privacy_find",
}
# What the issue reserves for sales managers (deleting: no one, for submissions).
MANAGER_ONLY = [
    "properties",
    "property_add_post",
    "property_edit_post",
    "property_delete_post",
    "privacy",
    "privacy_find",
    "privacy_export",
    "privacy_erase",
    "rule_add_post",
    "rule_edit",
    "rule_edit_post",
    "rule_delete_post",
    "scoring_settings_post",
    "campaign_add_post",
    "campaign_edit",
    "campaign_edit_post",
    "campaign_delete_post",
    "lead_settings",
    "lead_settings_post",
    "domain_delete_post",
    "inbox_delete",
    "inbox_delete_post",
]


# Reading the answers -----------------------------------------------------------------------


def outcome(response) -> str:
    """ "login", "denied", "missing" (404) or "open" (the view did its work)."""
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("wagtailadmin_login")):
            return "login"
        return "denied" if location == reverse("wagtailadmin_home") else "open"
    return {403: "denied", 404: "missing"}.get(response.status_code, "open")


def expected(role: str, name: str) -> str:
    if role == "anonymous":
        return "login"
    if role not in ALLOWED[name]:
        return "missing" if URLS[name].looked_up_first else "denied"
    return "missing" if URLS[name].guessed else "open"


def text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return f"{response.headers.get('Location', '')}\n{body.decode(errors='replace')}".lower()


def snapshot() -> dict:
    """Every row a lead screen can write, to compare before and after a refused request."""
    models = [
        Submission,
        Contact,
        Note,
        Delivery,
        DownloadEvent,
        Subscription,
        Campaign,
        ScoringRule,
        ScoringSettings,
        LeadSettings,
        BlockedEmailDomain,
        ContactProperty,
        ModelLogEntry,
    ]
    return {model.__name__: list(model.objects.order_by("pk").values_list()) for model in models}


# The matrix --------------------------------------------------------------------------------


def routes(resolver=None, namespace=""):
    """The name of every URL the site serves ("leads_inbox:index")."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from routes(pattern, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_lead_admin_url_is_in_the_matrix():
    # A new screen of lead data must say who may open it; lead settings are checked above
    # through wagtailsettings:edit, calls to action are page content.
    lead_routes = {
        route
        for route in routes()
        if route.startswith(("leads_", "wagtailsnippets_leads_blockedemaildomain:"))
    }
    assert lead_routes - {url.route for url in URLS.values()} == set()


@pytest.mark.parametrize("name", MANAGER_ONLY)
def test_sales_are_refused_what_the_issue_reserves_for_managers(client, data, name):
    url = URLS[name]
    sign_in(client, "sales", data)
    before = snapshot()

    send = client.post if url.method == "POST" else client.get
    response = send(url.path(data, "sales"), url.form(data))

    assert outcome(response) in ("denied", "missing"), (name, response.status_code)
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(URLS))
def test_lead_url_is_open_only_to_roles_with_rights(client, data, role, name):
    url = URLS[name]
    sign_in(client, role, data)
    path = url.path(data, role)
    before = snapshot()

    send = client.post if url.method == "POST" else client.get
    response = send(path, url.form(data))

    got = outcome(response)
    assert got == expected(role, name), (role, name, response.status_code, response.get("Location"))
    shown = text_of(response)
    if role in ALLOWED[name]:
        if name in SHOWS_THE_PERSON:
            assert PERSON["email"] in shown
    else:
        for personal in PERSONAL_DATA:
            assert personal.lower() not in shown
    if role in ALLOWED[name] and url.writes:
        # The form sent is valid, so that a refusal with nothing changed proves something.
        assert snapshot() != before
    else:
        # Refused, or a read, or an id that is not this contact's: nothing changed.
        assert snapshot() == before


# No trace of leads -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_editors_and_moderators_see_no_leads_menu_or_panel(client, data, role):
    sign_in(client, role, data)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()

    # No Leads menu item and no sales panel; the CTA panel's "Leads" column counts only.
    assert '"Leads"' not in dashboard and 'id="leads-dashboard-section"' not in dashboard
    assert "/admin/leads/" not in dashboard
    assert "awaiting review" not in dashboard
    assert not any(personal in dashboard for personal in PERSONAL_DATA)


def test_sales_see_the_leads_menu_and_panel(client, data):
    sign_in(client, "sales", data)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()

    assert '"Leads"' in dashboard  # the menu item, in the sidebar's JSON
    assert 'id="leads-dashboard-section"' in dashboard  # the sales panel: queues and their counts
    assert reverse("leads_inbox:index") in dashboard


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_editors_and_moderators_see_no_lead_in_the_site_history(client, data, role):
    sign_in(client, role, data)
    history = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "Submission #" not in history and "Contact #" not in history


def test_a_manager_sees_lead_changes_in_the_site_history(client, data):
    sign_in(client, "manager", data)
    history = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert f"Submission #{data.submission}" in history


@pytest.mark.parametrize("role", ["editor", "sales", "manager"])
def test_blocked_domains_have_no_chooser(client, data, role):
    # Wagtail's choosers check no rights, and nothing links to a blocked domain.
    sign_in(client, role, data)
    assert client.get("/admin/snippets/choose/leads/blockedemaildomain/").status_code == 404


# Rights --------------------------------------------------------------------------------------


def test_no_one_deletes_a_submission_through_the_generic_admin_view(client, data):
    sign_in(client, "superuser", data)
    client.post(reverse("leads_inbox:delete", args=[data.submission]))
    assert Submission.objects.filter(pk=data.submission).exists()


def test_sales_groups_have_no_page_editing_rights():
    assert not GroupPagePermission.objects.filter(
        group__name__in=["Sales", "Sales managers"]
    ).exists()
