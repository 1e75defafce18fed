"""Real servers for the lead tests: an SMTP server, an HTTP receiver, and the whole site.

Nothing here is a mock: `smtp_server` is aiosmtpd on a loopback port, `http_receiver` is
`http.server` in a thread, and `live_site` runs the production settings under gunicorn on a
fresh database (a SQLite file, or a throwaway PostgreSQL database when DATABASE_URL is one).
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
VENV_BIN = REPO_ROOT / ".venv" / "bin"
HOST = "127.0.0.1"


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


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
def smtp_server(port: int, *, refuse_recipients_with: str = ""):
    """A real SMTP server on 127.0.0.1:`port`; yields its MailCollector."""
    handler = MailCollector(refuse_recipients_with)
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


@dataclass
class Receiver:
    """What the HTTP receiver got, and the status it answers with (change it at will)."""

    url: str
    status: int = 200
    requests: list[Received] = field(default_factory=list)


@contextlib.contextmanager
def http_receiver(status: int = 200):
    """A real HTTP server on a loopback port that records each POST; yields a Receiver."""
    port = free_port()
    receiver = Receiver(url=f"http://{HOST}:{port}/hooks/leads", status=status)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            receiver.requests.append(Received(self.path, self.headers, self.rfile.read(length)))
            self.send_response(receiver.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

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


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not listen on {HOST}:{port} within {timeout:.0f} s")


@contextlib.contextmanager
def temporary_database(workdir: Path):
    """A fresh database for the live site: a SQLite file in `workdir`, or, when the test run
    uses PostgreSQL (DATABASE_URL), a throwaway database on the same server."""
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{workdir / 'live.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(server_url)
    name = f"{parts.path.lstrip('/') or 'leadsite'}_live_{os.getpid()}"
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))

    def execute(statement):
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as connection:
            connection.execute(statement)

    execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def site_env(workdir: Path, database_url: str) -> dict:
    """Production settings, configured as an operator would, with rate limits and the time
    trap off (a load test is one client sending fast)."""
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TZ") if name in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="leadsite.settings.production",
        PYTHONDONTWRITEBYTECODE="1",
        SECRET_KEY="live-site-test-key-not-secret-0123456789abcdefghijklmnop",
        ALLOWED_HOSTS=HOST,
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        LEAD_RATE_LIMITS="off",
        LEAD_FORM_MIN_SECONDS="0",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(workdir / "media"),
        STATIC_ROOT=str(workdir / "static"),
        LOG_LEVEL="WARNING",
    )
    return env


def manage(*args: str, env: dict) -> str:
    done = subprocess.run(
        [str(VENV_BIN / "python"), str(REPO_ROOT / "manage.py"), *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


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
def live_site(*, workers: int = 2, threads: int = 8):
    """The site under gunicorn (gthread) with production settings on a fresh database, one
    quote CTA in it. Yields a LiveSite."""
    gunicorn = VENV_BIN / "gunicorn"
    workdir = Path(tempfile.mkdtemp(prefix="leadsite-live-"))
    try:
        with temporary_database(workdir) as database_url:
            env = site_env(workdir, database_url)
            manage("migrate", "--noinput", env=env)
            manage("collectstatic", "--noinput", env=env)
            cta_id = int(manage("shell", "-c", CREATE_QUOTE_CTA, env=env).split()[-1])
            port = free_port()
            log_path = workdir / "gunicorn.log"
            process = subprocess.Popen(
                [
                    str(gunicorn),
                    "leadsite.wsgi:application",
                    *("-k", "gthread", "--workers", str(workers), "--threads", str(threads)),
                    *("--bind", f"{HOST}:{port}", "--error-logfile", str(log_path)),
                    *("--log-level", "warning", "--timeout", "60"),
                ],
                cwd=REPO_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
            try:
                try:
                    wait_for_port(port, process)
                except RuntimeError as error:
                    raise RuntimeError(f"{error}\n{log_path.read_text()[-4000:]}") from error
                yield LiveSite(f"http://{HOST}:{port}", database_url, cta_id)
            finally:
                process.send_signal(signal.SIGINT)  # quick shutdown: every request has answered
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=15)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
