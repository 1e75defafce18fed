"""`make run`: the development server (runserver, dev settings) and the commands run beside it
share one cache, so a change made from the command line shows at once."""

import shutil
import subprocess
import tempfile
import urllib.request
from pathlib import Path

import pytest

from bench._common import REPO_ROOT, VENV_BIN, django_env, free_port, manage, stop, wait_for_port
from tests.live_site import migrated_database

pytestmark = pytest.mark.xdist_group("dev-server")

SETUP = """
from blog.site_tree import ensure_site_tree
ensure_site_tree()
"""
ARTICLE = """---
title: {title}
date: 2026-01-05
---
Imported from the command line.
"""


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.headers, response.read().decode()


@pytest.fixture
def dev_server(migrated_template):
    """`manage.py runserver` with the dev settings (no REDIS_URL) on a fresh database; yields
    (base URL, environment of the commands run beside it, work folder)."""
    workdir = Path(tempfile.mkdtemp(prefix="leadsite-dev-"))
    server = None
    try:
        with migrated_database(workdir, migrated_template, "devserver") as database_url:
            port = free_port()
            env = django_env(
                "leadsite.settings.dev",
                DATABASE_URL=database_url,
                MEDIA_ROOT=workdir / "media",
                DEV_CACHE_DIR=workdir / "cache",
                SITE_URL=f"http://127.0.0.1:{port}",
                LOG_LEVEL="WARNING",
            )
            manage("shell", "-c", SETUP, env=env)
            server = subprocess.Popen(
                [
                    str(VENV_BIN / "python"),
                    *(str(REPO_ROOT / "manage.py"), "runserver", "--noreload"),
                    f"127.0.0.1:{port}",
                ],
                cwd=REPO_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=(workdir / "runserver.log").open("a"),
            )
            wait_for_port(port, timeout=60, process=server)
            yield f"http://127.0.0.1:{port}", env, workdir
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(workdir, ignore_errors=True)


def test_an_article_imported_from_the_command_line_shows_at_once(dev_server):
    base, env, workdir = dev_server
    fetch(base + "/posts/")
    headers, body = fetch(base + "/posts/")
    assert headers["X-Page-Cache"] == "hit"
    assert "Imported at the prompt" not in body

    source = workdir / "imported-at-the-prompt.md"  # the file name is the slug
    source.write_text(ARTICLE.format(title="Imported at the prompt"))
    manage("import_articles", str(source), env=env)

    headers, body = fetch(base + "/posts/")
    assert "Imported at the prompt" in body
    assert headers["X-Page-Cache"] == "miss"
    assert fetch(base + "/posts/imported-at-the-prompt/")[0]["X-Page-Cache"] == "miss"
