"""The sample nginx site (deploy/nginx/leadsite.conf) before gunicorn (deploy/gunicorn.conf.py).

nginx runs the file an operator installs, with only its ports, folders and certificate
replaced (deploy/nginx/render.py), terminating TLS with a certificate made for the test; the
app runs the production settings as docs/deploy.md configures them: one trusted proxy, HTTPS
declared by the proxy, purges sent to nginx's purge listener.
"""

import json
import os
import re
import shutil
import ssl
import subprocess
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest

from bench._common import VENV_BIN, free_port, manage, stop, wait_for_port
from bench._common import fetch as bench_fetch
from deploy.nginx import render
from tests.live_site import CREATE_QUOTE_CTA, migrated_database, site_env

pytestmark = [
    pytest.mark.skipif(
        render.NGINX is None and not os.environ.get("LEADSITE_REQUIRE_NGINX"),
        reason="nginx is not installed (apt-get install nginx-light libnginx-mod-http-cache-purge)",
    ),
    # One nginx and one gunicorn for the module, on one pytest-xdist worker.
    pytest.mark.xdist_group("deploy-nginx"),
]
REPO_ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long editor password 1234"
HOST = "127.0.0.1"

SETUP = """
import datetime
from django.contrib.auth.models import User
from wagtail.models import Site
from blog.models import ArticlePage
from blog.site_tree import ensure_site_tree
_, index = ensure_site_tree()
Site.objects.update(hostname="127.0.0.1", port=PORT)
article = ArticlePage(title="Front cache article", date=datetime.date(2026, 1, 5),
                      summary="S.", body=[("section", "<p>Words.</p>")])
index.add_child(instance=article)
article.save_revision().publish()
User.objects.create_user("edna", "edna@site.example", PASSWORD, is_staff=True,
                         is_superuser=True)
print(article.url)
"""
# A change nobody purges (a direct UPDATE, no publish): only a fresh render shows it.
SILENT_CHANGE = """
from blog.models import ArticlePage
ArticlePage.objects.filter(title="Front cache article").update(title="Changed without purge")
"""
REPUBLISH = """
from blog.models import ArticlePage
article = ArticlePage.objects.get(slug="front-cache-article")
article.title = "Republished title"
article.save_revision().publish()
"""

_tls = ssl._create_unverified_context()  # noqa: S323 - the test's own self-signed certificate


def fetch(url, *, method=None, data=None, headers=None):
    """(status, headers, body) of one request; redirects are not followed."""
    return bench_fetch(url, method=method, data=data, headers=headers, tls_context=_tls)


def make_certificate(folder: Path) -> tuple[Path, Path]:
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-subj", f"/CN={HOST}", "-keyout", str(key), "-out", str(certificate)),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return certificate, key


def start_app(env, workdir):
    """gunicorn with deploy/gunicorn.conf.py, as leadsite-web.service starts it."""
    app = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "leadsite.wsgi"],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "gunicorn.log").open("a"),
    )
    wait_for_port(int(env["GUNICORN_BIND"].rsplit(":", 1)[1]), timeout=60, process=app)
    return app


@pytest.fixture(scope="module")
def stack(migrated_template):
    """nginx (TLS, front cache, purge listener) → gunicorn → the site; yields a namespace."""
    workdir = Path(tempfile.mkdtemp(prefix="leadsite-nginx-"))
    ports = {name: free_port() for name in ("https", "http", "purge", "app")}
    stack = SimpleNamespace(app=None, ports=ports, workdir=workdir)
    try:
        with migrated_database(workdir, migrated_template) as database_url:
            env = site_env(workdir, database_url) | {
                "SECURE_SSL_REDIRECT": "1",
                "SECURE_HSTS_SECONDS": "31536000",
                "BEHIND_TLS_PROXY": "1",
                "TRUSTED_PROXY_COUNT": "1",
                "FRONTEND_CACHE_PURGE_URL": f"http://{HOST}:{ports['purge']}",
                "GUNICORN_BIND": f"{HOST}:{ports['app']}",
                "WEB_CONCURRENCY": "2",
                # As deployed: the app's page cache on Redis, shared with `manage.py shell`.
                "REDIS_URL": "redis://127.0.0.1:6379/0",
                "CACHE_KEY_PREFIX": f"test-nginx-{uuid.uuid4().hex}",
                "GUNICORN_ACCESS_LOG": str(workdir / "gunicorn-access.log"),
            }
            manage("collectstatic", "--noinput", env=env)
            setup = SETUP.replace("PORT", str(ports["https"])).replace("PASSWORD", repr(PASSWORD))
            article_url = manage("shell", "-c", setup, env=env).split()[-1]
            cta_id = int(manage("shell", "-c", CREATE_QUOTE_CTA, env=env).split()[-1])
            stack.app = start_app(env, workdir)
            certificate, key = make_certificate(workdir)
            config = render.standalone_config(
                prefix=workdir / "nginx",
                listen_port=ports["https"],
                upstream_port=ports["app"],
                static_root=workdir / "static",
                media_root=workdir / "media",
                purge_port=ports["purge"],
                redirect_port=ports["http"],
                certificate=certificate,
                certificate_key=key,
            )
            with render.running_nginx(config, workdir / "nginx") as base_url:
                stack.base = base_url
                stack.env = env
                stack.article = article_url
                stack.cta_id = cta_id
                stack.media = workdir / "media"
                stack.static = workdir / "static"
                yield stack
    finally:
        if stack.app is not None:
            stop(stack.app)  # the one running now: a test may have restarted it
        shutil.rmtree(workdir, ignore_errors=True)


def cache_status(stack, path, **headers):
    status, response_headers, body = fetch(stack.base + path, headers=headers)
    assert status == 200, body[:500]
    return response_headers["X-Cache-Status"], response_headers, body.decode()


def purge(stack, path):
    status, _, _ = fetch(
        f"http://{HOST}:{stack.ports['purge']}{path}", method="PURGE", headers={"Host": HOST}
    )
    assert status in (200, 204)


def fresh_path(stack, tag):
    """The article, dropped from nginx's cache first (the app keeps its copy: the same page).
    Campaign tags no longer make a new key: they share the bare URL's copy."""
    purge(stack, stack.article)
    return stack.article


def test_plain_http_is_sent_to_https(stack):
    status, headers, _ = fetch(f"http://{HOST}:{stack.ports['http']}{stack.article}")
    assert status == 301
    assert headers["Location"] == f"https://{HOST}{stack.article}"


def test_anonymous_article_is_served_by_the_front_cache_with_the_apps_headers(stack):
    path = fresh_path(stack, "first")
    first, _, first_body = cache_status(stack, path)
    second, headers, second_body = cache_status(stack, path)
    assert first == "MISS"
    assert second == "HIT"
    assert second_body == first_body
    assert "public" in headers["Cache-Control"]
    assert "s-maxage" in headers["Cache-Control"]
    # The stored copy keeps the app's security headers.
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"


def sign_in(stack):
    """Sign in through Wagtail's form over HTTPS; returns the Cookie header of the session."""
    _, headers, body = fetch(stack.base + "/admin/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    csrf = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)
    data = urllib.parse.urlencode(
        {"username": "edna", "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    status, headers, _ = fetch(
        stack.base + "/admin/login/",
        data=data,
        headers={"Cookie": f"csrftoken={csrf}", "Referer": f"https://{HOST}/admin/login/"},
    )
    assert status == 302, "sign-in failed"
    session = re.search(r"sessionid=([^;]+)", ",".join(headers.get_all("Set-Cookie"))).group(1)
    return f"sessionid={session}; csrftoken={csrf}"


def test_a_signed_in_editor_always_gets_a_fresh_page(stack):
    path = fresh_path(stack, "editor")
    cache_status(stack, path)
    manage("shell", "-c", SILENT_CHANGE, env=stack.env)
    try:
        anonymous, _, anonymous_body = cache_status(stack, path)
        editor, headers, editor_body = cache_status(stack, path, Cookie=sign_in(stack))
        assert anonymous == "HIT"
        assert "Changed without purge" not in anonymous_body
        assert editor == "BYPASS"
        assert "Changed without purge" in editor_body
        assert "private" in headers["Cache-Control"]
        # What the editor saw was not stored for anyone else.
        assert "Changed without purge" not in cache_status(stack, path)[2]
    finally:
        manage("shell", "-c", REPUBLISH, env=stack.env)


def test_publishing_purges_the_front_cache_through_the_purge_listener(stack):
    cache_status(stack, stack.article)
    assert cache_status(stack, stack.article)[0] == "HIT"
    manage("shell", "-c", REPUBLISH.replace("Republished title", "Purged title"), env=stack.env)
    status, _, body = cache_status(stack, stack.article)
    assert status == "MISS"
    assert "Purged title" in body
    access_log = (stack.workdir / "nginx" / "access.log").read_text()
    assert f'"PURGE {stack.article} HTTP/1.1" 200' in access_log
    # Listings that show the article were purged too; pages not in the cache answer 204.
    assert re.search(r'"PURGE /posts/ HTTP/1\.1" (200|204)', access_log)


def test_the_purge_listener_takes_only_purges(stack):
    status, _, _ = fetch(f"http://{HOST}:{stack.ports['purge']}{stack.article}")
    assert status == 405


def test_static_files_are_served_compressed_with_a_year_of_cache(stack):
    manifest = json.loads((stack.static / "staticfiles.json").read_text())["paths"]
    hashed = next(name for source, name in manifest.items() if source.endswith(".css"))
    status, headers, body = fetch(
        f"{stack.base}/static/{hashed}", headers={"Accept-Encoding": "gzip"}
    )
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert body == (stack.static / f"{hashed}.gz").read_bytes()


def test_documents_on_disk_are_never_served_directly(stack):
    for folder, name in (("documents", "price-list.pdf"), ("images", "chart.png")):
        (stack.media / folder).mkdir(parents=True, exist_ok=True)
        (stack.media / folder / name).write_bytes(b"file bytes")
    assert fetch(f"{stack.base}/media/documents/price-list.pdf")[0] == 404
    status, _, body = fetch(f"{stack.base}/media/images/chart.png")
    assert (status, body) == (200, b"file bytes")


def hidden_fields(page: str) -> dict:
    """The hidden inputs of a rendered lead form (its signed form token among them)."""
    return {
        re.search(r'name="([^"]+)"', tag).group(1): re.search(r'value="([^"]*)"', tag).group(1)
        for tag in re.findall(r'<input[^>]*type="hidden"[^>]*>', page)
        if 'value="' in tag
    }


def test_a_lead_posted_through_nginx_is_stored_and_logs_hold_no_query_string(stack):
    _, _, form_page = cache_status(stack, f"/leads/cta/{stack.cta_id}/")
    status, headers, _ = fetch(
        f"{stack.base}/leads/cta/{stack.cta_id}/submit/?email=query@visitor.example",
        data=urllib.parse.urlencode(
            hidden_fields(form_page)
            | {
                "name": "Nadia Front",
                "email": "nadia@visitor.example",
                "company": "Front Ltd",
                "budget": "5k-20k",
                "timeline": "quarter",
                "message": "A quote, please.",
            }
        ).encode(),
        headers={"Origin": f"https://{HOST}", "Referer": f"https://{HOST}{stack.article}"},
    )
    assert status == 303, headers
    assert headers["X-Cache-Status"] in (None, "BYPASS")
    request_id = headers["X-Request-ID"]
    count = "from leads.models import Submission; print(Submission.objects.count())"
    assert manage("shell", "-c", count, env=stack.env).split()[-1] == "1"
    nginx_log = (stack.workdir / "nginx" / "access.log").read_text()
    app_log = (stack.workdir / "gunicorn-access.log").read_text()
    for log in (nginx_log, app_log):
        assert f"request_id={request_id}" in log
        assert "visitor.example" not in log
        assert HOST not in log


def test_while_the_app_is_down_visitors_get_the_last_copy(stack):
    path = fresh_path(stack, "outage")
    cache_status(stack, path)
    stop(stack.app)
    try:
        status, headers, body = fetch(stack.base + path)
        # A page nobody read before the outage: nginx has nothing to show but an error.
        assert fetch(stack.base + stack.article + "?page=7")[0] == 502
    finally:
        stack.app = start_app(stack.env, stack.workdir)
    assert status == 200
    assert headers["X-Cache-Status"] in ("HIT", "STALE")
    assert "</html>" in body.decode()


CAMPAIGN_VARIANTS = (
    "?utm_source=news&utm_medium=email",
    "?gclid=abc123",
    "?fbclid=xyz&utm_campaign=spring",
    "?msclkid=1&ref=home&",
)


def test_campaign_variants_share_the_bare_url_s_copy_and_go_with_its_purge(stack):
    """A purge names the bare URL only: the variants visitors arrive by must not outlive it."""
    cache_status(stack, fresh_path(stack, "variants"))
    for variant in CAMPAIGN_VARIANTS:
        status, _, _ = cache_status(stack, stack.article + variant)
        assert status == "HIT", variant
    manage("shell", "-c", REPUBLISH.replace("Republished title", "Variants purged"), env=stack.env)
    try:
        for variant in CAMPAIGN_VARIANTS:
            _, _, body = cache_status(stack, stack.article + variant)
            assert "Variants purged" in body, variant
    finally:
        manage("shell", "-c", REPUBLISH, env=stack.env)


@pytest.mark.parametrize(
    "query", ["?page=2&page=3", "?%75tm_source=x", "?UTM_SOURCE=x", "?q=words", "?page=2&x=1"]
)
def test_a_query_string_a_purge_cannot_name_is_never_kept_in_front(stack, query):
    statuses = {fetch(stack.base + stack.article + query)[1]["X-Cache-Status"] for _ in "ab"}
    assert statuses == {"BYPASS"}


def test_every_response_carries_nginx_s_own_request_id_cache_hits_too(stack):
    path = fresh_path(stack, "request-id")
    ids = []
    for _ in range(3):
        status, headers, _ = fetch(
            stack.base + path, headers={"X-Request-ID": "chosen-by-the-client"}
        )
        assert status == 200
        ids.append(headers["X-Request-ID"])
        assert len(headers.get_all("X-Request-ID")) == 1
    assert headers["X-Cache-Status"] == "HIT"
    assert len(set(ids)) == 3
    assert all(re.fullmatch(r"[0-9a-f]{32}", request_id) for request_id in ids)
    # nginx writes a request's log line after it has sent the response: give it a moment.
    deadline = time.monotonic() + 5
    while True:
        nginx_log = (stack.workdir / "nginx" / "access.log").read_text()
        if all(f"request_id={i}" in nginx_log for i in ids) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    for request_id in ids:
        assert f"request_id={request_id}" in nginx_log
    assert "chosen-by-the-client" not in (stack.workdir / "gunicorn-access.log").read_text()


def test_form_tokens_are_restamped_through_nginx_never_from_its_cache(stack):
    """leads.js swaps a cached page's form tokens for ones stamped at the view: that answer
    must come from the app each time, never from the front cache."""
    _, _, form_page = cache_status(stack, f"/leads/cta/{stack.cta_id}/")
    rendered = hidden_fields(form_page)["token"]
    answers = []
    for _ in range(2):
        status, headers, body = fetch(
            f"{stack.base}/leads/forms/viewed/",
            data=urllib.parse.urlencode({"token": rendered}).encode(),
            headers={"Origin": f"https://{HOST}"},
        )
        assert status == 200, body[:300]
        assert headers["Cache-Control"] == "no-store"
        assert headers["X-Cache-Status"] in (None, "BYPASS")
        answers.append(json.loads(body)["tokens"][0])
    assert None not in answers
    assert len({rendered, *answers}) == 3
