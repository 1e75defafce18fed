"""Shared helpers for the scripts in bench/: servers, load generation, tables.

A bench script starts with::

    import _common as bench

    bench.ensure_venv()  # re-runs the script under .venv/bin/python when needed

and then typically::

    bench.require_wrk()
    env = bench.django_env("leadsite.settings.production", SECRET_KEY="...")
    with bench.gunicorn("leadsite.wsgi:application", env=env) as base_url:
        bench.expect_status(base_url + "/")
        bench.warm_up(base_url + "/")
        result = bench.run_wrk(base_url + "/", duration=10)
    print(bench.format_table(["path", "req/s"], [["/", f"{result.requests_per_second:.0f}"]]))

Everything binds to loopback, and every subprocess has a timeout, so a run is bounded in time.
"""

import contextlib
import importlib.machinery
import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO_ROOT / "bench"
VENV = REPO_ROOT / ".venv"
VENV_BIN = VENV / "bin"
HOST = "127.0.0.1"

# Exit status for "a tool this script needs is missing" (argparse uses 2 for usage errors too).
EXIT_MISSING_TOOL = 2


class BenchError(RuntimeError):
    """A benchmark could not run; the message says why."""


def ensure_venv():
    """Re-execute the running script with the project's venv Python unless already in it.

    Bench scripts import Django, psycopg and friends only after this call, so they work when
    started as `bench/pages` from any shell.
    """
    python = VENV_BIN / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not python.exists():
        sys.exit(f"{python} is missing: run `make install` first.")
    os.execv(str(python), [str(python), *sys.argv])  # noqa: S606 - same argv, trusted path


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_for_port(port, *, host=HOST, timeout=30.0, process=None):
    """Wait until something accepts TCP connections on host:port.

    Raises BenchError after `timeout` seconds, or as soon as `process` (the server we started)
    exits, whichever comes first.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise BenchError(f"the server exited with status {process.returncode} while starting")
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return
        time.sleep(0.1)
    raise BenchError(f"nothing listened on {host}:{port} after {timeout:.0f} s")


def django_env(settings_module=None, **variables):
    """A minimal environment for a Django process: nothing inherited but PATH, HOME, locale.

    The caller's DATABASE_URL, REDIS_URL, DEBUG and so on must not leak into a benchmark, so
    only the given variables are set (values are converted with str()).
    """
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TZ") if name in os.environ}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if settings_module:
        env["DJANGO_SETTINGS_MODULE"] = settings_module
    env.update({name: str(value) for name, value in variables.items()})
    return env


# manage.py with the demo app added to the settings' INSTALLED_APPS, in this process only.
_MANAGE_WITH_DEMO_APP = (
    "import sys\n"
    "from django.conf import settings\n"
    "from django.core.management import execute_from_command_line\n"
    "settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, 'demo']\n"
    "execute_from_command_line(['manage.py', *sys.argv[1:]])\n"
)


def manage(*args, env, timeout=600, demo_app=False):
    """Run `manage.py <args>` with the venv Python and `env`; raise BenchError on failure.

    With `demo_app`, the demo app (`load_demo`, `generate_leads`) is added to the settings of
    that one command: the production settings the servers run do not install it.
    Returns the command's standard output.
    """
    python = str(VENV_BIN / "python")
    if demo_app:
        command = [python, "-c", _MANAGE_WITH_DEMO_APP, *args]
    else:
        command = [python, str(REPO_ROOT / "manage.py"), *args]
    try:
        done = subprocess.run(
            command,
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"manage.py {' '.join(args)} took more than {timeout} s") from error
    if done.returncode != 0:
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def run_command(command, *, env, timeout=600, cwd=REPO_ROOT):
    """Run `command` (a list) with `env`; raise BenchError on failure or after `timeout` s.

    Returns the command's standard output.
    """
    try:
        done = subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"{' '.join(command)} took more than {timeout} s") from error
    if done.returncode != 0:
        raise BenchError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


@contextlib.contextmanager
def gunicorn(
    app, *, env, workers=2, threads=None, port=None, cwd=REPO_ROOT, log_path=None, timeout=30.0
):
    """Serve the WSGI `app` ("module:callable") with the venv's gunicorn on 127.0.0.1.

    Sync workers, `workers` of them (gthread workers with `threads` threads each if given),
    access log off. Yields the base URL
    ("http://127.0.0.1:<port>") once the port accepts connections, and stops the server
    (SIGTERM, then SIGKILL) when the block exits. The server's error log goes to `log_path`
    (default: discarded) and is quoted in the exception when the server fails to start.
    """
    port = port or free_port()
    worker_class = ("gthread", "--threads", str(threads)) if threads else ("sync",)
    command = [
        str(VENV_BIN / "gunicorn"),
        app,
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        *worker_class,
        "--chdir",
        str(cwd),
        "--log-level",
        "warning",
        "--error-logfile",
        str(log_path) if log_path else "/dev/null",
    ]
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL
    )
    try:
        try:
            wait_for_port(port, timeout=timeout, process=process)
        except BenchError as error:
            log = Path(log_path).read_text()[-4000:] if log_path and Path(log_path).exists() else ""
            raise BenchError(f"gunicorn {app}: {error}\n{log}") from error
        yield f"http://{HOST}:{port}"
    finally:
        stop(process)


def stop(process, *, grace=10.0):
    """Stop a server process: SIGTERM, then SIGKILL after `grace` seconds."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=grace)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url, *, data=None, headers=None, method=None, timeout=30.0, tls_context=None):
    """One request, redirects not followed: (status, headers, body bytes), whatever the status.

    `data` is the raw body (bytes); `tls_context` an ssl.SSLContext for an https:// URL (a test's
    own self-signed certificate, say).
    """
    opener = _opener
    if tls_context is not None:
        opener = urllib.request.build_opener(
            _NoRedirect, urllib.request.HTTPSHandler(context=tls_context)
        )
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def http_status(url, *, timeout=30.0):
    """The status code of GET `url`, without following redirects."""
    try:
        with _opener.open(url, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def expect_status(url, expected=200):
    """Raise BenchError unless GET `url` answers `expected` (redirects are not followed)."""
    status = http_status(url)
    if status != expected:
        raise BenchError(f"GET {url} answered {status}, not {expected}")


def settle(requests, *, timeout=60.0):
    """Send the urllib `requests` (URLs or Request objects) all at once and wait for every
    answer (whatever its status).

    Before a warm-up, with twice as many requests as workers, it makes each worker pay for
    what its first request loads (URLconf, views, templates: seconds on a busy machine)
    outside the measurement. After a warm-up, it returns once the requests wrk left queued
    when it stopped have been served, so that they do not eat into the measurement.
    """
    from concurrent.futures import ThreadPoolExecutor

    def one(request):
        try:
            with _opener.open(request, timeout=timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            error.read()
        except OSError as error:
            raise BenchError(f"{getattr(request, 'full_url', request)}: {error}") from error

    with ThreadPoolExecutor(max_workers=len(requests) or 1) as pool:
        list(pool.map(one, requests))


def require_wrk():
    """The path of `wrk`; exits with status 2 and the install command when it is missing."""
    path = shutil.which("wrk")
    if path is None:
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        sys.exit(EXIT_MISSING_TOOL)
    return path


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run measured. Latencies are in milliseconds."""

    requests: int
    seconds: float
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx_3xx: int
    socket_errors: int  # connect + read + write + timeout


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _duration_ms(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not match:
        raise BenchError(f"unexpected wrk duration {text!r}")
    return float(match.group(1)) * _UNIT_MS[match.group(2)]


def parse_wrk(output):
    """Parse the text wrk prints with `--latency` into a WrkResult."""

    def find(pattern):
        match = re.search(pattern, output, re.M)
        if not match:
            raise BenchError(f"wrk output has no match for {pattern!r}:\n{output}")
        return match

    totals = find(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)")
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return WrkResult(
        requests=int(totals.group(1)),
        seconds=_duration_ms(totals.group(2) + totals.group(3)) / 1000,
        requests_per_second=float(find(r"^Requests/sec:\s+([\d.]+)").group(1)),
        p50_ms=_duration_ms(find(r"^\s+50%\s+(\S+)").group(1)),
        p99_ms=_duration_ms(find(r"^\s+99%\s+(\S+)").group(1)),
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def run_wrk(url, *, duration=10, threads=2, connections=16, request_timeout=5, script=None):
    """Load `url` with wrk for `duration` seconds and return the parsed WrkResult.

    `request_timeout` (seconds) is wrk's per-request timeout; slower requests are counted as
    socket errors, not latencies. `script` is a Lua file for `wrk --script` (requests with a
    method, headers and body of their own; see bench/leads).
    """
    command = [
        require_wrk(),
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={duration}s",
        f"--timeout={request_timeout}s",
        "--latency",
        *([f"--script={script}"] if script else []),
        url,
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=duration + 30, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"wrk did not finish within {duration + 30} s") from error
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


def warm_up(url, *, seconds=2, threads=2, connections=16, script=None):
    """Load `url` briefly and discard the figures: fills caches, imports lazy modules."""
    if seconds > 0:
        run_wrk(url, duration=seconds, threads=threads, connections=connections, script=script)


def cpu_ticks(match):
    """CPU time (user + system, in clock ticks) used so far by each process whose command line
    contains `match`: {pid: ticks}. Linux only (/proc); processes that vanish are skipped."""
    ticks = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if match not in cmdline:
                continue
            # Fields after the command name: state is the first, utime the 12th, stime the 13th.
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        ticks[int(entry.name)] = int(fields[11]) + int(fields[12])
    return ticks


def cpu_seconds_since(before, match):
    """CPU seconds that the processes matching `match` used since the `before` snapshot of
    cpu_ticks(match); a process started since counts from zero."""
    after = cpu_ticks(match)
    used = sum(ticks - before.get(pid, 0) for pid, ticks in after.items())
    return used / os.sysconf("SC_CLK_TCK")


def format_table(headers, rows):
    """A plain-text table; the first column is left-aligned, the others right-aligned."""
    cells = [[str(cell) for cell in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row):
        first = row[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


@contextlib.contextmanager
def temporary_postgres_database(server_url, name, *, template=None):
    """Create the PostgreSQL database `name` on the server of `server_url`; drop it afterwards.

    `server_url` is a postgres:// URL; its database part is ignored (the maintenance database
    `postgres` is used to create and drop). A leftover database of the same name from an
    interrupted run is dropped first. With `template` (the name of a database on the same
    server that nobody is connected to), the new one starts as a copy of it: a migrated
    database in a fraction of a second. Yields the URL of the new database. Needs psycopg, so
    call ensure_venv() first.
    """
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(server_url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise BenchError(f"not a PostgreSQL URL: {server_url}")
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    database_url = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    quoted = sql.Identifier(name)

    def execute(statement):
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as connection:
            connection.execute(statement)

    execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(quoted))
    create = sql.SQL("CREATE DATABASE {}").format(quoted)
    if template:
        create = sql.SQL("{} TEMPLATE {}").format(create, sql.Identifier(template))
    execute(create)
    try:
        yield database_url
    finally:
        execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(quoted))


def load_script(name):
    """Import the bench script `name` (bench/<name>, a file without an extension) as a module,
    so that bench/run calls its functions rather than copying them. Its main() does not run."""
    loader = importlib.machinery.SourceFileLoader(f"bench_{name}", str(BENCH_DIR / name))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def load_average():
    """The machine's 1-minute load average: other work lowers every figure measured."""
    return os.getloadavg()[0]
