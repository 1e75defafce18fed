"""Real servers for tests of any app: an SMTP server, an HTTP receiver, and the whole site.

Nothing here is a mock: `smtp_server` is aiosmtpd on a loopback port, `http_receiver` is
`http.server` in a thread, and `live_site` runs the production settings under gunicorn on a
fresh database (a SQLite file, or a throwaway PostgreSQL database when DATABASE_URL is one).
"""

import contextlib
import os
import shutil
import tempfile
import threading
import urllib.parse
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller

from bench._common import (
    HOST,
    VENV_BIN,
    django_env,
    free_port,
    gunicorn,
    manage,
    temporary_postgres_database,
)

__all__ = ["VENV_BIN", "free_port", "http_receiver", "live_site", "smtp_server", "smtp_settings"]


# SMTP --------------------------------------------------------------------------------------


class MailCollector:
    """An aiosmtpd handler that keeps every message it accepts (and can refuse recipients)."""

    def __init__(self, refuse_recipients_with: str = ""):
        self.envelopes = []
        self.refuse_recipients_with = refuse_recipients_with

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_recipients_with:
            return self.refuse_recipients_with.format(address=address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def recipients(self) -> list[str]:
        return [address for envelope in self.envelopes for address in envelope.rcpt_tos]


@contextlib.contextmanager
def smtp_server(port: int, *, refuse_recipients_with: str = "", handler=None):
    """A real SMTP server on 127.0.0.1:`port`; yields its MailCollector (or `handler`, one of
    your own)."""
    handler = handler or MailCollector(refuse_recipients_with)
    controller = Controller(handler, hostname=HOST, port=port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


def smtp_settings(port: int) -> dict:
    """Settings for Django's real SMTP backend talking to 127.0.0.1:`port`."""
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": HOST,
        "EMAIL_PORT": port,
        "EMAIL_USE_TLS": False,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_TIMEOUT": 2,
    }


# HTTP --------------------------------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: Message  # looked up case-insensitively, as HTTP header names are
    body: bytes
    method: str = "POST"


@dataclass
class Receiver:
    """What the HTTP receiver got, and the status it answers with (change it at will)."""

    url: str
    status: int = 200
    requests: list[Received] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # sent with each answer

    @property
    def host(self) -> str:
        """ "127.0.0.1:<port>", as LEAD_WEBHOOK_UNSAFE_TEST_HOSTS lists it."""
        return urllib.parse.urlsplit(self.url).netloc


@contextlib.contextmanager
def http_receiver(status: int = 200):
    """A real HTTP server on a loopback port that records each POST (webhooks), PURGE
    (front-cache purges) and GET (a followed redirect); yields a Receiver."""
    port = free_port()
    receiver = Receiver(url=f"http://{HOST}:{port}/hooks/leads", status=status)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            receiver.requests.append(Received(self.path, self.headers, body, self.command))
            self.send_response(receiver.status)
            for name, value in receiver.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_PURGE = do_GET = do_POST

        def log_message(self, format, *args):  # keep test output quiet
            pass

    server = ThreadingHTTPServer((HOST, port), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# The whole site ----------------------------------------------------------------------------


@dataclass
class LiveSite:
    base_url: str
    database_url: str
    cta_id: int

    def count(self, table: str) -> int:
        """Rows in `table`, read straight from the site's database (not through Django)."""
        query = f"SELECT COUNT(*) FROM {table}"  # noqa: S608 - table names are our constants
        if self.database_url.startswith("sqlite:"):
            import sqlite3

            connection = sqlite3.connect(self.database_url.removeprefix("sqlite:///"))
            try:
                return connection.execute(query).fetchone()[0]
            finally:
                connection.close()
        import psycopg

        with psycopg.connect(self.database_url, connect_timeout=10) as connection:
            return connection.execute(query).fetchone()[0]


def throwaway_database_name(purpose: str, server_url: str) -> str:
    """A PostgreSQL database name no other test process uses at the same time: the suite's own
    database name (runs on other databases of the server), `purpose` (two fixtures of one
    process), the xdist worker and the pid (parallel workers and runs). At most 63 characters,
    PostgreSQL's limit, the suite's name being shortened when needed."""
    suite = urllib.parse.urlsplit(server_url).path.strip("/") or "leadsite"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    unique = f"_{purpose}_{worker}_{os.getpid()}"
    return suite[: 63 - len(unique)] + unique


@contextlib.contextmanager
def temporary_database(workdir: Path, purpose: str = "live"):
    """A fresh database for the live site: a SQLite file in `workdir`, or, when the test run
    uses PostgreSQL (DATABASE_URL), a throwaway database on the same server, named by
    throwaway_database_name(`purpose`)."""
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{workdir / 'live.sqlite3'}"
        return
    name = throwaway_database_name(purpose, server_url)
    with temporary_postgres_database(server_url, name) as url:
        yield url


@contextlib.contextmanager
def migrated_template():
    """A database migrated once, for `migrated_database` to copy: a SQLite file, or a
    PostgreSQL database when the test run uses PostgreSQL. Migrating takes tens of seconds on
    this machine, copying a fraction of one; tests/conftest.py keeps one per test process.
    Yields its URL."""
    folder = Path(tempfile.mkdtemp(prefix="leadsite-template-"))
    try:
        with temporary_database(folder, "template") as url:
            manage("migrate", "--noinput", env=site_env(folder, url), timeout=300)
            yield url
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def migrated_database(workdir: Path, template_url: str, purpose: str = "live"):
    """A fresh, migrated database of the test run's kind: a copy of `template_url` (see
    `migrated_template`), a file in `workdir` or a PostgreSQL database named for `purpose`.
    Yields its URL."""
    if template_url.startswith("sqlite:"):
        import sqlite3

        target = workdir / "live.sqlite3"
        source = sqlite3.connect(template_url.removeprefix("sqlite:///"))
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        yield f"sqlite:///{target}"
        return
    server_url = os.environ["DATABASE_URL"]
    template = urllib.parse.urlsplit(template_url).path.strip("/")
    name = throwaway_database_name(purpose, server_url)
    with temporary_postgres_database(server_url, name, template=template) as url:
        yield url


def site_env(workdir: Path, database_url: str) -> dict:
    """Production settings, configured as an operator would, with rate limits and the time
    trap off (a load test is one client sending fast)."""
    return django_env(
        "leadsite.settings.production",
        SECRET_KEY="live-site-test-key-not-secret-0123456789abcdefghijklmnop",
        ALLOWED_HOSTS=HOST,
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        LEAD_RATE_LIMITS="off",
        LEAD_FORM_MIN_SECONDS="0",
        DATABASE_URL=database_url,
        MEDIA_ROOT=workdir / "media",
        LEAD_PRIVATE_ROOT=workdir / "private",
        STATIC_ROOT=workdir / "static",
        LOG_LEVEL="WARNING",
    )


CREATE_QUOTE_CTA = """
from leads import services
from leads.models import CallToAction
cta = CallToAction(kind="quote", title="Load test quote", headline="Get a quote")
cta.full_clean()
cta.save()
services.consent_text_record(cta)
print(cta.pk)
"""


@contextlib.contextmanager
def live_site(template_url: str, *, workers: int = 2, threads: int = 8):
    """The site under gunicorn (gthread) with production settings on a fresh copy of the
    migrated `template_url`, one quote CTA in it. Yields a LiveSite."""
    workdir = Path(tempfile.mkdtemp(prefix="leadsite-live-"))
    try:
        with migrated_database(workdir, template_url) as database_url:
            env = site_env(workdir, database_url)
            manage("collectstatic", "--noinput", env=env)
            cta_id = int(manage("shell", "-c", CREATE_QUOTE_CTA, env=env).split()[-1])
            with gunicorn(
                "leadsite.wsgi:application",
                env=env,
                workers=workers,
                threads=threads,
                log_path=workdir / "gunicorn.log",
                timeout=60,
            ) as base_url:
                yield LiveSite(base_url, database_url, cta_id)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
