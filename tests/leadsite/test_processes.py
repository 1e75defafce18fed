"""Several app processes, one truth: the page cache and sign-in lockouts are shared.

Two gunicorn servers (separate masters, so separate memory) run the production settings on
one database and the machine's Redis (a key prefix of this test's own). A third process, a
`manage.py shell` as an editor's publish would be, changes content in between.
"""

import re
import shutil
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import ExitStack
from pathlib import Path

import pytest

from bench._common import gunicorn, manage
from tests.live_site import VENV_BIN, migrated_database, site_env

pytestmark = [
    pytest.mark.skipif(
        shutil.which("gunicorn", path=str(VENV_BIN)) is None, reason="gunicorn is not installed"
    ),
    # One worker runs them all under `make test` (xdist): the servers start once.
    pytest.mark.xdist_group("processes"),
]
REDIS_URL = "redis://127.0.0.1:6379/0"
PASSWORD = "a long staff password 1234"

SETUP = """
from django.contrib.auth.models import User
from blog.models import ArticlePage
from blog.site_tree import ensure_site_tree
import datetime
_, index = ensure_site_tree()
article = ArticlePage(title="Shared article", date=datetime.date(2026, 1, 5), summary="S.",
                      body=[("section", "<p>Words.</p>")])
index.add_child(instance=article)
article.save_revision().publish()
User.objects.create_user("rita", "rita@site.example", PASSWORD, is_staff=True, is_superuser=True)
print(article.url)
""".replace("PASSWORD", repr(PASSWORD))

REPUBLISH = """
from blog.models import ArticlePage
article = ArticlePage.objects.get(title="Shared article")
article.title = "Retitled in another process"
article.save_revision().publish()
"""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)


def fetch(url, *, data=None, headers=None):
    """(status, headers, body) of one request, redirects not followed. Both servers are asked
    for the same host name, as a load balancer in front of them would."""
    request = urllib.request.Request(
        url, data=data, headers={"Host": "127.0.0.1", **(headers or {})}
    )
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture(scope="module")
def servers(migrated_template):
    """Two app servers (A, B) on one database and one Redis; yields (site, a_url, b_url)."""
    workdir = Path(tempfile.mkdtemp(prefix="leadsite-processes-"))
    try:
        with (
            migrated_database(workdir, migrated_template, "processes") as database_url,
            ExitStack() as stack,
        ):
            env = site_env(workdir, database_url) | {
                "REDIS_URL": REDIS_URL,
                "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            }
            manage("collectstatic", "--noinput", env=env)
            article_url = manage("shell", "-c", SETUP, env=env).split()[-1]
            urls = [
                stack.enter_context(
                    gunicorn("leadsite.wsgi:application", env=env, workers=1, timeout=60)
                )
                for _ in range(2)
            ]
            yield env, article_url, urls
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def test_a_page_cached_by_one_process_is_served_by_the_other(servers):
    _, article_url, (a, b) = servers
    first = fetch(a + article_url)
    second = fetch(b + article_url)
    assert first[1]["X-Page-Cache"] in ("miss", "hit")
    assert second[1]["X-Page-Cache"] == "hit"
    assert second[2] == first[2]


def test_a_purge_from_another_process_is_seen_by_every_process(servers):
    env, article_url, (a, b) = servers
    fetch(a + article_url)
    fetch(b + article_url)
    manage("shell", "-c", REPUBLISH, env=env)
    # Each process trusts its own copies for PAGE_CACHE_LOCAL_SECONDS (1 s) after it last read
    # the shared generation: the purge reaches it within that, not a request later.
    deadline = time.monotonic() + 1 + 2  # the interval and a margin for a loaded machine
    for base in (a, b):
        while True:
            status, _, body = fetch(base + article_url)
            assert status == 200
            if "Retitled in another process" in body or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert "Retitled in another process" in body
    assert fetch(a + article_url)[1]["X-Page-Cache"] == "hit"


def sign_in(base, password):
    """Sign in through Wagtail's real form (CSRF token and cookie included)."""
    _, headers, body = fetch(base + "/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    cookie = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)
    data = urllib.parse.urlencode(
        {"username": "rita", "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    return fetch(base + "/admin/login/", data=data, headers={"Cookie": f"csrftoken={cookie}"})[0]


def test_failed_sign_ins_count_across_processes(servers):
    _, _, (a, b) = servers
    statuses = [sign_in(base, "wrong") for base in (a, b, a, b)]
    assert statuses == [200, 200, 200, 200]
    assert sign_in(b, "wrong") == 429  # the fifth, wherever it lands
    assert sign_in(a, PASSWORD) == 429
    assert sign_in(b, PASSWORD) == 429
