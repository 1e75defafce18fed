"""Go-live and expiry times happen with exactly the processes the README and deploy/ start.

`make run` starts `manage.py runserver`; deploy/systemd starts gunicorn (leadsite-web) and
`manage.py run_worker` (leadsite-worker). Nobody runs `publish_scheduled` by hand: an article
scheduled a few seconds ahead must go live, one set to expire must go, and the cached listing
must show both changes (the page cache is purged as for an editor's click).
"""

import contextlib
import datetime
import os
import shutil
import signal
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from django.utils import timezone

from bench._common import (
    REPO_ROOT,
    VENV_BIN,
    django_env,
    free_port,
    gunicorn,
    manage,
    wait_for_port,
)
from bench._common import fetch as bench_fetch
from blog.models import ArticlePage
from leadsite import scheduling
from tests.factories import make_article
from tests.live_site import migrated_database, site_env
from tests.production.servers import MAIN_REDIS_URL, task_worker, wait_until

HOST = "127.0.0.1"
# A few seconds ahead: enough for the "before" requests below, little enough to wait for.
AHEAD_SECONDS = 8
SCHEDULE = """
import datetime
from django.utils import timezone
from wagtail.models import Revision

from blog.models import ArticlePage
from blog.site_tree import ensure_site_tree

_, index = ensure_site_tree()
soon = timezone.now() + datetime.timedelta(seconds=AHEAD)


def article(slug, **fields):
    page = ArticlePage(title=slug.title(), slug=slug, date=datetime.date(2026, 1, 5),
                       summary="S.", body=[("section", "<p>Words.</p>")], **fields)
    index.add_child(instance=page)
    return page


article("SLUG-coming", live=False, go_live_at=soon).save_revision().publish()
article("SLUG-going", expire_at=soon).save_revision().publish()
"""


def get(url):
    status, headers, body = bench_fetch(url, timeout=30)
    return status, dict(headers), body.decode()


@pytest.fixture(scope="module")
def workdir():
    folder = Path(tempfile.mkdtemp(prefix="leadsite-scheduling-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def database(workdir, migrated_template):
    """One migrated database (SQLite, or PostgreSQL when the run uses it) for the module."""
    with migrated_database(workdir, migrated_template, "scheduling") as url:
        env = site_env(workdir, url)
        manage("collectstatic", "--noinput", env=env, timeout=120)
        yield url


def schedule(env, slug) -> tuple[str, str]:
    """An unpublished article going live and a live one expiring AHEAD_SECONDS from now, made
    in another process as the editor's clicks would be; their paths."""
    script = SCHEDULE.replace("AHEAD", str(AHEAD_SECONDS)).replace("SLUG", slug)
    manage("shell", "-c", script, env=env, timeout=120)
    return f"/posts/{slug}-coming/", f"/posts/{slug}-going/"


def assert_go_live_and_expiry_happen(base_url, env, slug):
    coming, going = schedule(env, slug)
    # Before: the scheduled article is not out, the expiring one is, and the listing is cached.
    assert get(base_url + coming)[0] == 404
    assert get(base_url + going)[0] == 200
    get(base_url + "/posts/")
    status, headers, listing = get(base_url + "/posts/")
    assert status == 200 and headers.get("X-Page-Cache") == "hit"
    assert f"{slug}-going" in listing and f"{slug}-coming" not in listing

    def switched():
        listing = get(base_url + "/posts/")[2]
        return (
            get(base_url + coming)[0] == 200
            and get(base_url + going)[0] == 404
            and f"{slug}-coming" in listing
            and f"{slug}-going" not in listing
        )

    wait_until(
        switched,
        timeout=AHEAD_SECONDS + 60,
        interval=0.5,
        message="the scheduled article did not go live, or the expiring one did not go",
    )


@contextlib.contextmanager
def make_run_server(env, log_path):
    """`manage.py runserver BIND:PORT`, the command `make run` ends with (autoreloader
    included); its process group is stopped at the end."""
    port = free_port()
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [str(VENV_BIN / "python"), str(REPO_ROOT / "manage.py"), "runserver", f"{HOST}:{port}"],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    try:
        wait_for_port(port, timeout=120, process=process)
        yield f"http://{HOST}:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_make_run_publishes_and_expires_scheduled_articles(workdir, database, tmp_path):
    env = django_env(
        "leadsite.settings.dev",
        DATABASE_URL=database,
        MEDIA_ROOT=workdir / "media",
        SCHEDULED_PUBLISHING_SECONDS=1,
    )
    with make_run_server(env, tmp_path / "runserver.log") as base_url:
        assert_go_live_and_expiry_happen(base_url, env, "dev")


def test_deployed_worker_publishes_and_expires_scheduled_articles(workdir, database, tmp_path):
    prefix = f"test-scheduling-{uuid.uuid4().hex}"
    env = site_env(workdir, database) | {
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "REDIS_URL": MAIN_REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "SCHEDULED_PUBLISHING_SECONDS": "1",
    }
    try:
        with (
            gunicorn("leadsite.wsgi:application", env=env, workers=1, timeout=60) as base_url,
            task_worker(env, tmp_path / "worker.log"),
        ):
            assert_go_live_and_expiry_happen(base_url, env, "deployed")
    finally:
        import redis

        client = redis.Redis.from_url(MAIN_REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}:*", count=500):
            client.delete(key)
        client.close()


# The loop itself, in this process.


@pytest.mark.django_db
def test_publish_due_publishes_and_expires_what_is_due_and_nothing_else(article_index):
    soon = timezone.now() + datetime.timedelta(seconds=1)
    for title, go_live_at in (("Due", soon), ("Later", soon + datetime.timedelta(hours=1))):
        page = make_article(article_index, title, live=False)
        page.go_live_at = go_live_at
        page.save_revision().publish()  # scheduled: not live yet
    expired = make_article(article_index, "Expired")
    ArticlePage.objects.filter(pk=expired.pk).update(expire_at=timezone.now())
    assert set(ArticlePage.objects.live().values_list("title", flat=True)) == {"Expired"}
    wait_until(lambda: timezone.now() > soon, timeout=10, message="the clock stopped")
    scheduling.publish_due()
    assert set(ArticlePage.objects.live().values_list("title", flat=True)) == {"Due"}
    assert ArticlePage.objects.get(pk=expired.pk).expired


@pytest.mark.django_db
def test_publish_due_leaves_the_round_to_a_worker_already_publishing(article_index):
    """Several workers (one per server): one publishes at a time, the others skip the round."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's; SQLite serves one server")
    import psycopg

    soon = timezone.now() + datetime.timedelta(seconds=1)
    page = make_article(article_index, "Due", live=False)
    page.go_live_at = soon
    page.save_revision().publish()
    wait_until(lambda: timezone.now() > soon, timeout=10, message="the clock stopped")
    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        autocommit=True,
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [scheduling.LOCK_KEY])
        scheduling.publish_due()
        assert not ArticlePage.objects.live().filter(pk=page.pk).exists()
        other.execute("SELECT pg_advisory_unlock(%s)", [scheduling.LOCK_KEY])
        scheduling.publish_due()
        assert ArticlePage.objects.live().filter(pk=page.pk).exists()
    finally:
        other.close()
