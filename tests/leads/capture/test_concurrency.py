"""Leads under concurrent load, against the real server and a real database.

The site runs with production settings under gunicorn (2 processes x 8 threads) on a fresh
SQLite file (WAL, IMMEDIATE transactions) or, when the suite runs on PostgreSQL, a throwaway
PostgreSQL database. Counts are read from that database directly.
"""

import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html import unescape

import pytest

from tests.factories import ANSWERS
from tests.live_site import VENV_BIN, live_site

pytestmark = [
    pytest.mark.skipif(
        shutil.which("gunicorn", path=str(VENV_BIN)) is None, reason="gunicorn is not installed"
    ),
    # One worker runs them all under `make test` (xdist): the servers start once.
    pytest.mark.xdist_group("live_site"),
]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)


@pytest.fixture(scope="module")
def site(migrated_template):
    with live_site(migrated_template) as running:
        yield running


@pytest.fixture(scope="module")
def form_fields(site):
    """The hidden fields of the quote form, as the CTA page renders them."""
    with opener.open(f"{site.base_url}/leads/cta/{site.cta_id}/", timeout=30) as response:
        html = response.read().decode()
    fields = {}
    for name in ("token",):
        match = re.search(rf'name="{name}" value="([^"]*)"', html)
        assert match, f"no {name} field on the CTA page"
        fields[name] = unescape(match.group(1))
    return fields


def post_lead(site, form_fields, **answers) -> int:
    data = {**form_fields, "website": "", **ANSWERS["quote"], **answers}
    request = urllib.request.Request(
        f"{site.base_url}/leads/cta/{site.cta_id}/submit/",
        data=urllib.parse.urlencode(data).encode(),
        headers={"Origin": site.base_url},
        method="POST",
    )
    try:
        with opener.open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def post_all(site, form_fields, answer_sets) -> list[int]:
    with ThreadPoolExecutor(max_workers=50) as pool:
        return list(pool.map(lambda answers: post_lead(site, form_fields, **answers), answer_sets))


def test_200_concurrent_leads_are_all_stored(site, form_fields):
    before = site.count("leads_submission")

    statuses = post_all(site, form_fields, [{"email": f"lead{n}@load.example"} for n in range(200)])

    assert statuses == [303] * 200
    assert site.count("leads_submission") - before == 200


def test_20_concurrent_leads_from_one_email_make_one_contact(site, form_fields):
    contacts_before = site.count("leads_contact")
    submissions_before = site.count("leads_submission")

    statuses = post_all(
        site,
        form_fields,
        [{"email": "same.person@load.example", "name": f"Same Person {n}"} for n in range(20)],
    )

    assert statuses == [303] * 20
    assert site.count("leads_contact") - contacts_before == 1
    assert site.count("leads_submission") - submissions_before == 20
