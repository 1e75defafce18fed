"""The lead inbox at /admin/leads/: the review queue, its filters, search, sorting, pages,
bulk actions and exports, as sales use them."""

import datetime
import itertools

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from leads.models import Status, Submission
from tests.factories import make_article, make_cta, make_lead, make_user

pytestmark = pytest.mark.django_db

INBOX = "/admin/leads/"
BULK = "/admin/leads/bulk/"
_nonce = itertools.count(1)
NOW = timezone.now()


def lead(cta=None, *, spam=False, **fields):
    """A lead in the state a test needs (see make_lead), received a minute before the previous
    one unless told: the inbox lists them newest first, in the order they were made."""
    fields.setdefault("received_at", NOW - datetime.timedelta(minutes=next(_nonce)))
    return make_lead(cta, spam_reasons=["honeypot"] if spam else [], **fields)


@pytest.fixture
def sales(client):
    user = make_user("sam", "Sales", first_name="Sam", last_name="Seller")
    client.force_login(user)
    return user


def listed(client, query="") -> list[int]:
    """The submission ids on the inbox page, in order."""
    response = client.get(INBOX + query)
    assert response.status_code == 200
    return [row.pk for row in response.context["object_list"]]


def messages_of(response) -> list[str]:
    return [str(message).strip() for message in get_messages(response.wsgi_request)]


# The queue ---------------------------------------------------------------------------------


def test_inbox_opens_on_the_review_queue_newest_first(client, sales):
    older = lead(received_at=NOW - datetime.timedelta(days=2))
    newest = lead(received_at=NOW)
    in_review = lead(status=Status.IN_REVIEW, received_at=NOW - datetime.timedelta(days=1))
    lead(status=Status.QUALIFIED)
    lead(status=Status.WON)
    lead(spam=True)
    assert listed(client) == [newest.pk, in_review.pk, older.pk]


def test_inbox_shows_each_leads_columns_and_links_to_the_contact_page(client, sales, article_index):
    article = make_article(article_index, title="Lead scoring explained")
    submission = lead(
        name="Ana Lima",
        company="Acme",
        page=article,
        score=55,
        owner=sales,
        email="ana@acme.example",
    )
    page = client.get(INBOX).content.decode()
    for text in (
        "Ana Lima",
        "ana@acme.example",
        "Acme",
        "Quote request",
        "Lead scoring explained",
        "55",
        "New",
        "Sam Seller",
    ):
        assert text in page, text
    assert f'href="/admin/leads/contacts/{submission.contact_id}/"' in page


def test_a_quarantined_lead_links_to_its_record_and_the_record_opens(client, sales):
    spam = lead(spam=True, name="Spammy")
    page = client.get(INBOX + "?status=spam").content.decode()
    inspect_url = reverse("leads_inbox:inspect", args=[spam.pk])
    assert f'href="{inspect_url}"' in page
    assert client.get(inspect_url).status_code == 200


def test_cta_kinds_show_their_short_labels_and_long_titles_keep_a_tooltip(
    client, sales, article_index
):
    title = "A very long article title about lead scoring that no column is wide enough for"
    lead(page=make_article(article_index, title=title))
    page = client.get(INBOX).content.decode()
    cells = [" ".join(cell.split()) for cell in page.split("<td")]
    assert any(cell.startswith("> Quote </td>") for cell in cells)
    assert "Quote request</td>" not in page
    assert f'title="{title}"' in page


def test_a_quarantined_lead_shows_why_in_its_row(client, sales):
    lead(spam=True, name="Spammy")
    lead(name="Ana Lima")
    page = client.get(INBOX + "?status=spam").content.decode()
    assert 'class="leads-inbox__reason">Honeypot filled in</span>' in page
    assert 'class="leads-inbox__reason"' not in client.get(INBOX + "?status=all").content.decode()


@pytest.mark.parametrize(
    ("query", "current"),
    [
        ("", "Review queue"),
        ("?status=new", "New"),
        ("?status=in_review", "In review"),
        ("?status=open&owner=mine", "Mine"),
        ("?status=open&score_min=60", "Hot"),
        ("?status=spam", "Quarantine"),
        ("?status=spam&q=ana", "Quarantine"),
    ],
)
def test_the_queue_in_force_is_the_current_chip(client, sales, query, current):
    response = client.get(INBOX + query)
    marked = [queue["label"] for queue in response.context["queues"] if queue["current"]]
    assert marked == [current]
    assert f'aria-current="page">{current}</a>' in response.content.decode()


def test_queue_chips_switch_the_list(client, sales):
    mine = lead(owner=sales, status=Status.QUALIFIED)
    hot = lead(score=90)
    spam = lead(spam=True)
    chips = {queue["label"]: queue["url"] for queue in client.get(INBOX).context["queues"]}
    assert listed(client, chips["Mine"].removeprefix(INBOX)) == [mine.pk]
    assert listed(client, chips["Hot"].removeprefix(INBOX)) == [hot.pk]
    assert listed(client, chips["Quarantine"].removeprefix(INBOX)) == [spam.pk]


def test_page_title_and_links_carry_no_personal_data(client, sales):
    lead(name="Ana Lima", email="ana@acme.example")
    page = client.get(INBOX).content.decode()
    title = page.split("<title>")[1].split("</title>")[0]
    assert "Lead inbox" in title and "ana" not in title.lower()
    hrefs = [chunk.split('"')[0] for chunk in page.split('href="')[1:]]
    assert not [href for href in hrefs if "acme" in href or "Ana" in href]


# Filters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("", {"new", "in_review"}),
        ("open", {"new", "in_review", "qualified", "handed_off"}),
        ("all", {"new", "in_review", "qualified", "handed_off", "won", "disqualified"}),
        ("won", {"won"}),
        ("spam", {"spam"}),
    ],
)
def test_status_filter_offers_statuses_and_groups_with_spam_only_on_request(
    client, sales, choice, expected
):
    for status in ("new", "in_review", "qualified", "handed_off", "won"):
        lead(status=status)
    lead(status=Status.DISQUALIFIED, status_reason="No budget")
    lead(spam=True)
    shown = Submission.objects.filter(pk__in=listed(client, f"?status={choice}"))
    assert set(shown.values_list("status", flat=True)) == expected


def test_an_invalid_filter_keeps_the_review_queue_and_never_shows_spam(client, sales):
    lead()
    spam = lead(spam=True)
    assert spam.pk not in listed(client, "?score_min=abc&status=bogus")


def test_filter_by_cta_and_by_kind(client, sales):
    quote_cta, webinar_cta = make_cta("quote"), make_cta("webinar")
    quote, webinar = lead(quote_cta), lead(webinar_cta)
    assert listed(client, f"?cta={quote_cta.pk}") == [quote.pk]
    assert listed(client, "?cta_kind=webinar") == [webinar.pk]


def test_filter_by_article_and_by_its_topic(client, sales, article_index):
    on_seo = make_article(article_index, tags=["seo"])
    on_crm = make_article(article_index, tags=["crm"])
    seo_lead, crm_lead = lead(page=on_seo), lead(page=on_crm)
    lead()  # no page
    assert listed(client, f"?article={on_crm.pk}") == [crm_lead.pk]
    assert listed(client, "?tag=seo") == [seo_lead.pk]


def test_filter_by_owner_mine_unassigned_or_a_person(client, sales):
    colleague = make_user("cleo", "Sales")
    mine, theirs, nobodys = lead(owner=sales), lead(owner=colleague), lead()
    assert listed(client, "?owner=mine") == [mine.pk]
    assert listed(client, "?owner=unassigned") == [nobodys.pk]
    assert listed(client, f"?owner={colleague.pk}") == [theirs.pk]


def test_filter_by_score_range(client, sales):
    cold, warm, hot = lead(score=5), lead(score=40), lead(score=90)
    assert listed(client, "?score_min=30&score_max=60") == [warm.pk]
    assert set(listed(client, "?score_min=30")) == {warm.pk, hot.pk}
    assert listed(client, "?score_max=10") == [cold.pk]


def test_filter_by_received_date_range(client, sales):
    old = lead(received_at=NOW - datetime.timedelta(days=40))
    recent = lead(received_at=NOW - datetime.timedelta(days=2))
    since = (NOW - datetime.timedelta(days=10)).date().isoformat()
    until = (NOW - datetime.timedelta(days=30)).date().isoformat()
    assert listed(client, f"?received_from={since}") == [recent.pk]
    assert listed(client, f"?received_to={until}") == [old.pk]


def test_filter_by_utm_source_and_campaign_in_any_case(client, sales):
    linkedin = lead(utm_source="linkedin", utm_campaign="spring-ebook")
    lead(utm_source="google", utm_campaign="brand")
    assert listed(client, "?utm_source=LinkedIn") == [linkedin.pk]
    assert listed(client, "?utm_campaign=spring-ebook") == [linkedin.pk]


# Search and sort ---------------------------------------------------------------------------


@pytest.mark.parametrize("term", ["lima", "ANA@ACME", "acme corp", "integration"])
def test_search_finds_a_lead_by_name_email_company_or_message(client, sales, term):
    found = lead(
        name="Ana Lima",
        email="ana@acme.example",
        company="Acme Corp",
        message="We need an integration with our CRM.",
    )
    lead(name="Bob Stone", email="bob@other.example", company="Other", message="Hello")
    assert listed(client, f"?q={term}") == [found.pk]


@pytest.mark.parametrize("term", ["bücher.example", "ana@BÜCHER.example"])
def test_search_finds_a_unicode_domain_stored_in_its_ascii_form(client, sales, term):
    found = lead(name="Ana Lima", email="ana@bücher.example")
    lead(name="Bob Stone", email="bob@buecher.example")
    assert found.contact.email == "ana@xn--bcher-kva.example"
    assert listed(client, f"?q={term}") == [found.pk]


def test_search_finds_a_quarantined_lead_by_its_answers(client, sales):
    spam = lead(spam=True, name="Viagra Seller", email="v@spam.example")
    assert listed(client, "?status=spam&q=viagra") == [spam.pk]


def test_a_search_with_no_match_in_the_queue_says_where_to_look(client, sales):
    lead(status=Status.WON, name="Ana Lima")
    response = client.get(INBOX + "?q=lima")
    assert "All but spam" in response.content.decode()
    assert listed(client, "?q=lima&status=all")


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("-received_at", ["b", "c", "a"]),
        ("received_at", ["a", "c", "b"]),
        ("-contact__score", ["c", "a", "b"]),
        ("contact__name", ["a", "b", "c"]),
        ("contact__company", ["c", "b", "a"]),
        ("status", ["b", "c", "a"]),
    ],
)
def test_columns_sort_the_list(client, sales, ordering, expected):
    rows = {
        "a": lead(
            name="Alma",
            company="Zeta",
            score=20,
            status=Status.NEW,
            received_at=NOW - datetime.timedelta(days=3),
        ),
        "b": lead(
            name="Bea",
            company="Mid",
            score=10,
            status=Status.IN_REVIEW,
            received_at=NOW - datetime.timedelta(days=1),
        ),
        "c": lead(
            name="Cid",
            company="Alpha",
            score=30,
            status=Status.NEW,
            received_at=NOW - datetime.timedelta(days=2),
        ),
    }
    names = {row.pk: key for key, row in rows.items()}
    # Equal values (two new leads) come newest first, so pages never repeat or skip rows.
    assert [names[pk] for pk in listed(client, f"?ordering={ordering}")] == expected


# Pagination --------------------------------------------------------------------------------


def test_a_page_has_25_leads_and_page_two_the_rest(client, sales):
    cta = make_cta("quote")
    for _ in range(27):
        lead(cta)
    assert len(listed(client)) == 25
    assert len(listed(client, "?p=2")) == 2


def test_the_number_of_queries_does_not_grow_with_the_page(
    client, sales, django_assert_max_num_queries
):
    """5 rows or 50 (two pages of 25, each row with its contact and owner): the same cost."""
    cta = make_cta("quote")
    colleague = make_user("cleo", "Sales")

    def add(count):
        for i in range(count):
            lead(cta, owner=colleague if i % 2 else sales, score=i)

    add(5)
    with CaptureQueriesContext(connection) as five_rows:
        assert len(listed(client)) == 5
    add(45)
    with django_assert_max_num_queries(len(five_rows)):
        assert len(listed(client)) == 25
    with django_assert_max_num_queries(len(five_rows)):
        assert len(listed(client, "?p=2")) == 25


# Bulk actions ------------------------------------------------------------------------------


def bulk(client, submissions, action, **fields):
    data = {"ids": [s.pk for s in submissions], "action": action, "next": INBOX} | fields
    return client.post(BULK, data)


def test_qualify_the_ticked_leads_and_report_the_refused_ones(client, sales):
    fresh = [lead(), lead(status=Status.IN_REVIEW)]
    won = lead(status=Status.WON)
    response = bulk(client, [*fresh, won], "qualify")
    assert response.status_code == 302
    assert response["Location"] == INBOX
    assert set(Submission.objects.filter(status=Status.QUALIFIED)) == set(fresh)
    assert Submission.objects.get(pk=won.pk).status == Status.WON
    said = messages_of(response)
    assert "2 leads qualified." in said
    assert "1 lead left unchanged: A won submission cannot become qualified (1)." in said
    entry = ModelLogEntry.objects.filter(action="leads.status_change").first()
    assert entry.user == sales and entry.data["to"] == "qualified"


def test_disqualifying_needs_a_reason_and_keeps_the_selection(client, sales):
    ticked = [lead(), lead()]
    response = bulk(client, ticked, "disqualify", reason="  ")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give a reason to disqualify." in page
    for submission in ticked:
        assert f'name="ids" value="{submission.pk}"' in page
    assert not Submission.objects.filter(status=Status.DISQUALIFIED).exists()

    response = bulk(client, ticked, "disqualify", reason="No budget this year")
    assert "2 leads disqualified." in messages_of(response)
    assert set(Submission.objects.values_list("status_reason", flat=True)) == {
        "No budget this year"
    }


def test_mark_as_spam_and_release_from_quarantine(client, sales):
    real, suspect = lead(), lead(spam=True)
    bulk(client, [real], "spam")
    assert Submission.objects.get(pk=real.pk).status == Status.SPAM
    response = bulk(client, [suspect], "release")
    released = Submission.objects.get(pk=suspect.pk)
    assert released.status == Status.NEW and released.contact_id
    assert "1 lead released from quarantine." in messages_of(response)


def test_assign_the_ticked_leads_to_a_colleague_then_unassign(client, sales):
    colleague = make_user("cleo", "Sales", first_name="Cleo")
    ticked = [lead(), lead()]
    response = bulk(client, ticked, "assign", owner=colleague.pk)
    assert "2 leads assigned to Cleo." in messages_of(response)
    assert set(Submission.objects.values_list("owner", flat=True)) == {colleague.pk}
    response = bulk(client, ticked, "assign", owner="nobody")
    assert "2 leads unassigned." in messages_of(response)
    assert set(Submission.objects.values_list("owner", flat=True)) == {None}


def test_assign_offers_only_people_who_can_work_leads(client, sales):
    editor = make_user("eddie", "Editors")
    ticked = [lead()]
    response = bulk(client, ticked, "assign", owner=editor.pk)
    assert response.status_code == 400
    assert Submission.objects.get().owner is None
    assert "Sam Seller" in response.content.decode()
    assert "eddie" not in response.content.decode()


def test_bulk_actions_need_ticked_leads_and_take_ids_from_the_post_body_only(client, sales):
    submission = lead()
    response = client.post(f"{BULK}?ids={submission.pk}", {"action": "qualify", "next": INBOX})
    assert response.status_code == 302
    assert "Tick at least one lead first." in messages_of(response)
    assert Submission.objects.get().status == Status.NEW
    assert client.get(BULK).status_code == 405


def test_an_erased_or_guessed_id_changes_nothing(client, sales):
    submission = lead()
    erased = lead(erased_at=NOW)
    response = bulk(client, [submission, erased], "qualify")
    assert "Some ticked leads no longer exist: reload the list." in messages_of(response)
    assert Submission.objects.get(pk=submission.pk).status == Status.NEW


def test_bulk_actions_are_csrf_protected(sales):
    careful = Client(enforce_csrf_checks=True)
    careful.force_login(sales)
    submission = lead()
    response = careful.post(BULK, {"ids": [submission.pk], "action": "qualify"})
    assert response.status_code == 403
    assert Submission.objects.get().status == Status.NEW


def test_the_inbox_offers_bulk_actions_only_to_people_who_can_review(client, sales):
    lead()
    assert 'id="inbox-bulk-form"' in client.get(INBOX).content.decode()
    viewer = make_user("vic")
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_submission"),
    )
    client.force_login(viewer)
    page = client.get(INBOX).content.decode()
    assert 'id="inbox-bulk-form"' not in page
    submission = Submission.objects.get()
    bulk(client, [submission], "qualify")
    assert Submission.objects.get().status == Status.NEW


# Exports -----------------------------------------------------------------------------------


def test_sales_export_the_filtered_list_as_csv(client, sales):
    lead(name="Ana Lima", company="Acme", utm_source="linkedin", score=42)
    lead(name="Bob Stone", utm_source="google")
    response = client.get(INBOX + "?utm_source=linkedin&export=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    header, *rows = body.lstrip("\ufeff").strip().splitlines()
    for heading in ("Received", "Status", "Name", "Email", "Company", "Score", "UTM campaign"):
        assert heading in header
    assert len(rows) == 1
    assert "Ana Lima" in rows[0] and "Acme" in rows[0] and "42" in rows[0]
    assert "Bob Stone" not in body


def test_sales_export_a_search_with_each_person_and_owner(client, sales):
    lead(name="Ana Lima", company="Acme", owner=sales, score=42)
    lead(name="Bob Stone", company="Other")
    response = client.get(INBOX + "?q=acme&status=all&export=csv")
    body = b"".join(response.streaming_content).decode()
    _header, *rows = body.lstrip("\ufeff").strip().splitlines()
    assert len(rows) == 1
    assert all(value in rows[0] for value in ("Ana Lima", "Acme", "42", "Sam Seller"))


def test_sales_export_xlsx(client, sales):
    lead(name="Ana Lima")
    response = client.get(INBOX + "?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_export_needs_the_export_right_and_is_not_offered_without_it(client):
    lead(name="Ana Lima")
    viewer = make_user("vic")
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_submission"),
    )
    client.force_login(viewer)
    page = client.get(INBOX).content.decode()
    assert "export=csv" not in page and "Ana Lima" in page
    for export in ("csv", "xlsx"):
        response = client.get(f"{INBOX}?export={export}")
        assert response.status_code in {302, 403}
        assert not response.streaming and b"Ana Lima" not in response.content


def test_sales_see_the_export_buttons(client, sales):
    lead()
    assert "export=csv" in client.get(INBOX).content.decode()


# Who sees it -------------------------------------------------------------------------------


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_editors_and_moderators_are_refused_every_inbox_url(client, group):
    submission = lead(name="Ana Lima", email="secret.person@acme.example")
    client.force_login(make_user("eddie", group))
    for url in (
        INBOX,
        INBOX + "results/",
        INBOX + "?export=csv",
        reverse("leads_inbox:inspect", args=[submission.pk]),
        reverse("leads_inbox:inspect", args=[submission.pk + 1000]),
    ):
        response = client.get(url)
        assert response.status_code in {302, 403}, url
        assert b"secret.person" not in response.content
    response = bulk(client, [submission], "qualify")
    assert response.status_code in {302, 403}
    assert Submission.objects.get().status == Status.NEW
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert INBOX not in dashboard


def test_a_guessed_id_answers_an_editor_like_a_real_one(client):
    submission = lead()
    client.force_login(make_user("eddie", "Editors"))
    real = client.get(reverse("leads_inbox:edit", args=[submission.pk]))
    guessed = client.get(reverse("leads_inbox:edit", args=[submission.pk + 1000]))
    assert (real.status_code, real.get("Location")) == (
        guessed.status_code,
        guessed.get("Location"),
    )


def test_sales_find_the_inbox_first_in_the_leads_menu(client, sales):
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert '"Inbox"' in dashboard or "&quot;Inbox&quot;" in dashboard
    assert reverse("leads_inbox:index") in dashboard


def test_after_a_bulk_action_sales_return_to_the_same_filtered_list(client, sales):
    submission = lead()
    page = client.get(INBOX + "?status=open&ordering=-contact__score").content.decode()
    assert 'value="/admin/leads/?status=open&amp;ordering=-contact__score"' in page
    response = bulk(client, [submission], "qualify", next="/admin/leads/?status=open")
    assert response["Location"] == "/admin/leads/?status=open"
    response = bulk(client, [submission], "spam", next="https://evil.example/")
    assert response["Location"] == INBOX
