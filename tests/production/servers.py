"""Real servers for the production tests, and a visitor that talks HTTP to them.

App servers (gunicorn, bench/_common.py), task workers (`manage.py run_worker`), a private
PostgreSQL cluster and a private Redis that a test may stop and start, all on loopback, with
the production settings of tests/live_site.py. Nothing is mocked; what was stored is
read straight from the database with psycopg, not through Django.

One migrated database per test session (`migrated_template`), copied for each test by
PostgreSQL itself (`CREATE DATABASE ... TEMPLATE`): a migration run costs half a minute on
this machine, a copy a fraction of a second.
"""

import contextlib
import glob
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from django_tasks_db.models import DBTaskResult

from bench._common import (
    HOST,
    REPO_ROOT,
    VENV_BIN,
    BenchError,
    free_port,
    gunicorn,
    manage,
    run_command,
    stop,
    temporary_postgres_database,
    wait_for_port,
)
from bench._common import (
    fetch as bench_fetch,
)
from tests.factories import ANSWERS
from tests.live_site import CREATE_QUOTE_CTA, site_env, smtp_settings

__all__ = ["HOST", "free_port", "gunicorn", "site_env"]

# The machine's services (started by .ci/run). The PostgreSQL server is the one of the test
# run's DATABASE_URL when that is a PostgreSQL URL, so a run against another server stays there.
MAIN_REDIS_URL = "redis://127.0.0.1:6379/0"
TASKS_TABLE = DBTaskResult._meta.db_table  # the database queue: one row per task
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"

APP = "leadsite.wsgi:application"
SALES = "sales@site.example"  # LEADS_NOTIFY_EMAIL: where the notifications go
SETUP = "from blog.site_tree import ensure_site_tree\nensure_site_tree()\n" + CREATE_QUOTE_CTA


def postgres_server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_POSTGRES


def smtp_env(port: int) -> dict[str, str]:
    """Environment variables for the SMTP server on 127.0.0.1:`port` (smtp_settings)."""
    return {name: str(value) for name, value in smtp_settings(port).items()}


def queue_env(template, database, smtp_port, **more) -> dict:
    """Production settings with the database queue and SMTP on `smtp_port`."""
    return (
        site_env(template.workdir, database)
        | smtp_env(smtp_port)
        | {"TASKS_BACKEND": "django_tasks_db.DatabaseBackend", "LEADS_NOTIFY_EMAIL": SALES}
        | {name: str(value) for name, value in more.items()}
    )


def wait_until(condition, *, timeout: float, message: str, interval: float = 0.1):
    """Poll `condition()` until it returns something truthy (returned); fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"after {timeout:.0f} s: {message}")
        time.sleep(interval)


# Databases ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """A migrated database with the home page and one quote CTA, never served itself."""

    name: str
    url: str
    cta_id: int
    workdir: Path  # STATIC_ROOT (collected once) and MEDIA_ROOT of every server


@contextlib.contextmanager
def migrated_template(workdir: Path):
    name = f"leadsite_production_template_{os.getpid()}"
    with temporary_postgres_database(postgres_server_url(), name) as url:
        env = site_env(workdir, url)
        manage("migrate", "--noinput", env=env, timeout=300)
        manage("collectstatic", "--noinput", env=env, timeout=120)
        cta_id = int(manage("shell", "-c", SETUP, env=env, timeout=120).split()[-1])
        yield Template(name, url, cta_id, workdir)


@contextlib.contextmanager
def database_copy(template: Template, label: str):
    """A fresh copy of the template on the same server; yields its URL."""
    name = f"leadsite_production_{label}_{os.getpid()}"
    with temporary_postgres_database(postgres_server_url(), name, template=template.name) as url:
        yield url


def rows(database_url: str, query: str, *params) -> list[tuple]:
    import psycopg

    with psycopg.connect(database_url, connect_timeout=5) as connection:
        return connection.execute(query, params).fetchall()


def deliveries(database_url: str, email: str) -> dict[str, tuple[str, int]]:
    """{kind: (status, attempts)} of the deliveries of the submissions from `email`."""
    found = rows(
        database_url,
        "SELECT d.kind, d.status, d.attempts FROM leads_delivery d"
        " JOIN leads_submission s ON s.id = d.submission_id WHERE s.email = %s",
        email,
    )
    return {kind: (status, attempts) for kind, status, attempts in found}


def stored_emails(database_url: str) -> set[str]:
    return {email for (email,) in rows(database_url, "SELECT email FROM leads_submission")}


# Processes ---------------------------------------------------------------------------------


@contextlib.contextmanager
def app_server(env: dict, log_path: Path, *, workers: int = 1, threads: int = 4):
    """The site under gunicorn (gthread) with `env`; yields its base URL once it listens."""
    with gunicorn(
        APP, env=env, workers=workers, threads=threads, log_path=log_path, timeout=60
    ) as base_url:
        yield base_url


@dataclass
class Worker:
    process: subprocess.Popen
    log_path: Path

    def wait_started(self, timeout: float = 60.0) -> "Worker":
        """Return once it polls the queue (its "Starting worker" line is in the log)."""

        def started():
            if self.process.poll() is not None:
                log = self.log_path.read_text()
                raise BenchError(f"run_worker exited ({self.process.returncode}):\n{log}")
            return "Starting worker" in self.log_path.read_text()

        wait_until(started, timeout=timeout, message=f"run_worker did not start: {self.log_path}")
        return self


@contextlib.contextmanager
def task_worker(env: dict, log_path: Path, *, wait: bool = True):
    """`manage.py run_worker` polling every 0.2 s; yields a Worker, started unless `wait` is
    False (then call wait_started(): start an app server meanwhile). SIGTERM at the end."""
    command = [
        str(VENV_BIN / "python"),
        str(REPO_ROOT / "manage.py"),
        "run_worker",
        "--no-startup-delay",
        "--no-reload",
        "--interval",
        "0.2",
    ]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )
    worker = Worker(process, log_path)
    try:
        yield worker.wait_started() if wait else worker
    finally:
        stop(process, grace=5)


def kill(process) -> None:
    """SIGKILL: no cleanup, no signal handler, as the out-of-memory killer does it."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster of its own in a temporary folder, which a test may stop."""

    bin_dir: Path
    data_dir: Path
    port: int
    as_owner: list[str]  # runuser -u postgres -- when the tests run as root (as CI does)

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{database}"

    def pg_ctl(self, *args: str) -> None:
        run_command(
            [*self.as_owner, str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), *args],
            env=os.environ.copy(),
            timeout=60,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data_dir} -c listen_addresses={HOST} -c fsync=off"
        log = self.data_dir / "server.log"
        self.pg_ctl("-l", str(log), "-o", options, "-w", "-t", "30", "start")

    def stop(self) -> None:
        """A fast shutdown: open connections are cut, as in a restart or a failover."""
        self.pg_ctl("-m", "fast", "-w", "-t", "30", "stop")


def postgres_bin_dir() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(re.search(r"/(\d+)/bin/", path).group(1)),
    )
    if not found:
        raise BenchError("initdb not found under /usr/lib/postgresql/*/bin: install postgresql")
    return Path(found[-1]).parent


@contextlib.contextmanager
def private_postgres():
    """initdb a cluster into a temporary folder and start it on a free port; the machine's
    own cluster is not touched. Runs it as the `postgres` OS user when we are root."""
    bin_dir = postgres_bin_dir()
    folder = Path(tempfile.mkdtemp(prefix="leadsite-pg-"))
    as_owner = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    cluster = PrivatePostgres(bin_dir, folder / "data", free_port(), as_owner)
    try:
        run_command(
            [
                *as_owner,
                str(bin_dir / "initdb"),
                "-D",
                str(cluster.data_dir),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            env=os.environ.copy(),
            timeout=120,
        )
        cluster.start()
        try:
            yield cluster
        finally:
            with contextlib.suppress(BenchError):
                cluster.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def copy_database(cluster: PrivatePostgres, source_url: str, name: str) -> str:
    """Copy a database from another server into `cluster` (pg_dump into psql); its URL."""
    target = cluster.url(name)
    env = os.environ.copy()
    run_command(
        [
            str(cluster.bin_dir / "createdb"),
            "-h",
            HOST,
            "-p",
            str(cluster.port),
            "-U",
            "postgres",
            name,
        ],
        env=env,
        timeout=60,
    )
    dump = subprocess.run(
        [str(cluster.bin_dir / "pg_dump"), "--no-owner", "--no-privileges", "-d", source_url],
        capture_output=True,
        timeout=120,
        check=True,
    )
    subprocess.run(
        [str(cluster.bin_dir / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", target],
        input=dump.stdout,
        capture_output=True,
        timeout=120,
        check=True,
    )
    return target


@dataclass
class PrivateRedis:
    """A redis-server of its own on a free port, without persistence, which a test may stop."""

    port: int
    folder: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                HOST,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, timeout=10, process=self.process)

    def stop(self) -> None:
        stop(self.process, grace=5)


@contextlib.contextmanager
def private_redis():
    if shutil.which("redis-server") is None:
        raise BenchError("redis-server is not installed: apt-get install redis-server")
    folder = Path(tempfile.mkdtemp(prefix="leadsite-redis-"))
    server = PrivateRedis(free_port(), folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


# The visitor -------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict
    body: str


def fetch(url: str, *, data: dict | None = None, headers=None, timeout: float = 30) -> Answer:
    """One request as a browser without JavaScript sends it; redirects are not followed. (A
    fresh app process's first request imports half of Wagtail: seconds on a busy machine.)"""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    status, response_headers, content = bench_fetch(
        url, data=body, headers=headers, timeout=timeout
    )
    return Answer(status, dict(response_headers), content.decode())


def form_token(base_url: str, cta_id: int) -> str:
    """The signed token of the quote form, as the CTA's page renders it."""
    answer = fetch(f"{base_url}/leads/cta/{cta_id}/")
    match = re.search(r'name="token" value="([^"]*)"', answer.body)
    assert answer.status == 200 and match, f"no form token on the CTA page ({answer.status})"
    return unescape(match.group(1))


def lead_data(token: str, email: str, **answers) -> dict[str, str]:
    """The quote form as a browser posts it: the signed token, the empty honeypot, answers."""
    return {"token": token, "website": "", **ANSWERS["quote"], "email": email, **answers}


def post_lead(
    base_url: str, cta_id: int, token: str, email: str, *, headers=None, **answers
) -> Answer:
    """Send the quote form (distinct answers per email, so that none is a replay)."""
    return fetch(
        f"{base_url}/leads/cta/{cta_id}/submit/",
        data=lead_data(token, email, **answers),
        headers={"Origin": base_url, **(headers or {})},
    )
