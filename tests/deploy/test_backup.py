"""Backups (deploy/backup.py) restore into a fresh database with every row and file.

The database is the suite's own kind: a SQLite file, or, when the suite runs on PostgreSQL
(DATABASE_URL), throwaway databases on that server, so each CI run proves its engine. The
source is the demo site (pages, images, the gated PDF, about 200 leads with notes and audit
entries), as an operator's site would be.
"""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from bench._common import VENV_BIN, manage, temporary_postgres_database
from tests.live_site import migrated_database, site_env

REPO_ROOT = Path(__file__).resolve().parents[2]
COUNT_EVERY_TABLE = """
import json
from django.apps import apps
print(json.dumps({model._meta.label: model._base_manager.count() for model in apps.get_models()}))
"""


def backup(*args, env):
    """Run deploy/backup.py; (exit status, stdout, stderr)."""
    done = subprocess.run(
        [str(VENV_BIN / "python"), "deploy/backup.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def every_table(env) -> dict:
    return json.loads(manage("shell", "-c", COUNT_EVERY_TABLE, env=env).strip().splitlines()[-1])


def files_under(folder: Path) -> dict:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def demo_site(migrated_template):
    """A migrated database with the demo loaded; yields (env, workdir)."""
    workdir = Path(tempfile.mkdtemp(prefix="leadsite-backup-"))
    try:
        with migrated_database(workdir, migrated_template) as database_url:
            env = site_env(workdir, database_url) | {"DEMO_PASSWORD": "a demo password 1234"}
            manage("load_demo", env=env, demo_app=True)
            yield env, workdir
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def fresh_database(demo_site):
    """The URL of an empty database of the same engine (not created for SQLite: restore does)."""
    env, workdir = demo_site
    if env["DATABASE_URL"].startswith("sqlite:"):
        yield f"sqlite:///{workdir / 'restored' / 'db.sqlite3'}"
        return
    name = f"leadsite_restored_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
    with temporary_postgres_database(env["DATABASE_URL"], name) as url:
        yield url


def test_a_backup_restores_into_a_fresh_database_with_every_row_and_file(demo_site, fresh_database):
    env, workdir = demo_site
    # A file a reader uploaded with a lead form, in the private storage's folder.
    upload = Path(env["LEAD_PRIVATE_ROOT"]) / "leads" / "2026" / "12" / "brief.pdf"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(b"%PDF-1.4 a brief")
    status, out, err = backup("create", str(workdir / "backups"), env=env)
    assert status == 0, err
    database_file, media_archive, private_archive = (Path(line) for line in out.split())
    assert database_file.suffix in (".dump", ".sqlite3")
    assert media_archive.name.startswith("leadsite-media-")
    assert private_archive.name.startswith("leadsite-private-")

    restored = env | {
        "DATABASE_URL": fresh_database,
        "MEDIA_ROOT": str(workdir / "restored-media"),
        "LEAD_PRIVATE_ROOT": str(workdir / "restored-private"),
    }
    status, out, err = backup(
        "restore",
        str(database_file),
        "--media",
        str(media_archive),
        "--private",
        str(private_archive),
        env=restored,
    )
    assert status == 0, err
    assert files_under(workdir / "restored-private") == files_under(upload.parents[3])

    counts = every_table(restored)
    assert counts == every_table(env)
    assert counts["leads.Submission"] > 100
    assert counts["blog.ArticlePage"] > 5
    manage("migrate", "--check", env=restored)  # the schema is complete, nothing to apply
    assert files_under(workdir / "restored-media") == files_under(Path(env["MEDIA_ROOT"]))
    assert any(name.startswith("documents/") for name in files_under(workdir / "restored-media"))


def test_restore_refuses_a_database_that_is_in_use(demo_site):
    env, workdir = demo_site
    status, out, _ = backup("create", str(workdir / "backups"), "--no-media", env=env)
    assert status == 0
    before = every_table(env)
    status, _, err = backup("restore", out.split()[0], env=env)
    assert status == 1
    assert "restore into a" in err
    assert every_table(env) == before
