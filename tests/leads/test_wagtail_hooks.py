"""The CTA library in the admin: the chooser shows what an editor picks by, and the edit form
gets the script that shows only the chosen kind's fields."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blog.site_tree import ensure_site_tree
from tests.factories import make_article, make_cta, make_document, make_user

pytestmark = pytest.mark.django_db

CHOOSE = "wagtailsnippetchoosers_leads_calltoaction:choose_results"


@pytest.fixture
def editor(client):
    user = make_user("eve", "Editors")
    client.force_login(user)
    return user


def chooser_rows(client):
    response = client.get(reverse(CHOOSE))
    assert response.status_code == 200
    return response.content.decode()


def test_chooser_shows_kind_headline_and_the_pages_using_each_cta(client, editor):
    _, index = ensure_site_tree()
    playbook = make_cta("download", title="Playbook", headline="Get the scoring playbook")
    make_cta("webinar", title="Pipeline webinar", headline="Join the pipeline webinar")
    make_article(index, "Gated content that converts", body=[("cta", playbook)])
    make_article(index, "Scoring in practice", cta=playbook)

    html = chooser_rows(client)
    assert all(heading in html for heading in ("Kind", "Headline", "Used on"))
    assert "Download (gated eBook or whitepaper)" in html
    assert "Get the scoring playbook" in html
    assert "2 pages: Gated content that converts, Scoring in practice" in html
    assert "Webinar registration" in html
    assert "Not used yet" in html


def test_chooser_usage_costs_the_same_queries_for_one_cta_or_many(client, editor):
    _, index = ensure_site_tree()
    first = make_cta("quote")
    make_article(index, body=[("cta", first)])
    chooser_rows(client)  # warm per-process caches (site, permissions)
    with CaptureQueriesContext(connection) as one:
        chooser_rows(client)
    for _ in range(4):
        make_article(index, body=[("cta", make_cta("quote"))])
    with CaptureQueriesContext(connection) as five:
        chooser_rows(client)
    assert len(five) == len(one)


def test_chosen_cta_answers_with_its_name_and_its_miniature(client, editor):
    """What the block's miniature shows after a new choice (static/leads/admin/cta_chooser.js)."""
    cta = make_cta(
        "download",
        title="Playbook (PDF)",
        headline="Get the playbook",
        document=make_document("The scoring playbook"),
    )
    response = client.get(
        reverse("wagtailsnippetchoosers_leads_calltoaction:chosen", args=[cta.pk])
    )
    result = json.loads(response.content)["result"]
    assert result["string"] == "Playbook (PDF)"
    assert result["preview"] == {
        "kind": "Download",
        "headline": "Get the playbook",
        "button": "Download Now",
        "document": "The scoring playbook",
    }


def test_cta_edit_form_gets_the_kind_fields_script_and_which_kind_needs_what(client, editor):
    cta = make_cta("quote")
    response = client.get(reverse("wagtailsnippets_leads_calltoaction:edit", args=[cta.pk]))
    html = response.content.decode()
    assert "leads/admin/cta_kind.js" in html
    assert (
        '<script id="cta-kind-fields" type="application/json">'
        '{"document": ["download"], "event_starts_at": ["webinar"], "seat_limit": ["webinar"], '
        '"joining_url": ["webinar"], "mailing_list": ["newsletter"]}'
    ) in html
