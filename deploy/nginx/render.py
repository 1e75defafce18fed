"""The sample nginx site (deploy/nginx/leadsite.conf), run for real by the tests and benchmarks.

`standalone_config()` turns the very file an operator installs into a complete nginx.conf that
runs unprivileged from a temporary folder: the sample's ports, paths and certificate are
replaced one by one (each replacement must match, so an edit to the sample cannot silently
escape the tests), and `running_nginx()` serves it until the block ends.

    config = standalone_config(prefix=tmp, listen_port=8443, upstream_port=8000,
                               static_root=static, media_root=media, purge_port=8081)
    with running_nginx(config, tmp) as base_url:
        ...
"""

import contextlib
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

SITE = Path(__file__).with_name("leadsite.conf")
NGINX = shutil.which("nginx", path=f"/usr/sbin:{os.environ.get('PATH', '')}")
PURGE_MODULE = Path("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so")
HOST = "127.0.0.1"


class NginxError(RuntimeError):
    """nginx refused the configuration or did not start; the message has its error log."""


def _replace(text: str, old: str, new: str) -> str:
    if old not in text:
        raise NginxError(f"deploy/nginx/leadsite.conf no longer contains {old!r}")
    return text.replace(old, new)


def site_config(
    *,
    prefix: Path,
    listen_port: int,
    upstream_port: int,
    static_root: Path,
    media_root: Path,
    purge_port: int | None = None,
    redirect_port: int | None = None,
    certificate: Path | None = None,
    certificate_key: Path | None = None,
) -> str:
    """The sample site with loopback ports and the given folders.

    Without a certificate the main server speaks plain HTTP on `listen_port` (the benchmarks
    compare it with plain-HTTP baselines); with one, it terminates TLS there as in production.
    """
    text = SITE.read_text()
    prefix = Path(prefix)
    text = _replace(text, "server 127.0.0.1:8000;", f"server {HOST}:{upstream_port};")
    text = _replace(text, "/var/cache/nginx/leadsite", str(prefix / "cache"))
    text = _replace(text, "/var/log/nginx/leadsite.access.log", str(prefix / "access.log"))
    text = _replace(text, "/srv/leadsite/staticfiles/", f"{static_root}/")
    text = _replace(text, "/srv/leadsite/media/", f"{media_root}/")
    text = _replace(text, "server_name www.example.com;", f"server_name {HOST} localhost;")
    text = _replace(text, "    listen [::]:80;\n", "")
    text = _replace(text, "    listen [::]:443 ssl http2;\n", "")
    text = _replace(text, "listen 80;", f"listen {HOST}:{redirect_port or 0};")
    if redirect_port is None:  # drop the HTTP-to-HTTPS server
        text = re.sub(r"server \{\n    listen 127\.0\.0\.1:0;.*?\n\}\n", "", text, flags=re.S)
    if certificate:
        text = _replace(text, "listen 443 ssl http2;", f"listen {HOST}:{listen_port} ssl http2;")
        text = _replace(
            text, "/etc/letsencrypt/live/www.example.com/fullchain.pem", str(certificate)
        )
        text = _replace(
            text, "/etc/letsencrypt/live/www.example.com/privkey.pem", str(certificate_key)
        )
    else:
        text = _replace(text, "listen 443 ssl http2;", f"listen {HOST}:{listen_port};")
        text = re.sub(r"\n    ssl_[^\n]*", "", text)
    if purge_port is None:  # drop the purge listener
        text = text[: text.index("# Purges from the app")]
    else:
        text = _replace(text, "listen 127.0.0.1:8081;", f"listen {HOST}:{purge_port};")
    return text


def standalone_config(*, prefix: Path, listen_port: int, **site) -> str:
    """A complete nginx.conf around `site_config()`: pid, logs and temp files under `prefix`,
    one worker, the purge module loaded. Its first line names the base URL."""
    prefix = Path(prefix)
    (prefix / "cache").mkdir(parents=True, exist_ok=True)
    scheme = "https" if site.get("certificate") else "http"
    # As root (CI), nginx would hand requests to `nobody`, who cannot read a temporary folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    module = f"load_module {PURGE_MODULE};\n" if site.get("purge_port") else ""
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / ('temp-' + kind)};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"# base_url: {scheme}://{HOST}:{listen_port}\n"
        f"{module}{user}"
        "worker_processes 1;\n"
        f"pid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'error.log'} warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n"
        "    sendfile on;\n"
        "    tcp_nopush on;\n"
        "    keepalive_requests 100000;\n"
        f"{temp}\n"
        f"{site_config(prefix=prefix, listen_port=listen_port, **site)}"
        "}\n"
    )


def check(config_text: str, prefix: Path) -> None:
    """`nginx -t` on the configuration; NginxError with nginx's message if it is refused."""
    path = _write(config_text, prefix)
    done = subprocess.run(  # noqa: S603 - nginx from PATH, arguments built here
        [NGINX, "-t", "-q", "-p", str(prefix), "-c", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    if done.returncode != 0:
        raise NginxError(done.stderr.strip())


def _write(config_text: str, prefix: Path) -> Path:
    if NGINX is None:
        raise NginxError("nginx is not installed (Debian: apt-get install nginx-light)")
    path = Path(prefix) / "nginx.conf"
    path.write_text(config_text)
    return path


@contextlib.contextmanager
def running_nginx(config_text: str, prefix: Path, *, timeout: float = 15.0):
    """Serve `config_text` (from standalone_config) in the foreground; yields its base URL
    once it answers, and stops nginx when the block exits."""
    prefix = Path(prefix)
    check(config_text, prefix)
    base_url = config_text.split("\n", 1)[0].removeprefix("# base_url: ")
    process = subprocess.Popen(  # noqa: S603 - as above
        [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_until_up(base_url, process, prefix, timeout)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_until_up(base_url, process, prefix, timeout):
    import ssl

    context = ssl._create_unverified_context()  # noqa: S323 - the test's own self-signed cert
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (prefix / "error.log").read_text() if (prefix / "error.log").exists() else ""
            raise NginxError(f"nginx exited with status {process.returncode}\n{log}")
        try:
            urllib.request.urlopen(  # noqa: S310 - loopback URL built above
                base_url + "/static/", timeout=2, context=context
            )
        except urllib.error.HTTPError:
            return  # it answered (403/404 for the folder itself)
        except OSError:
            time.sleep(0.05)
        else:
            return
    raise NginxError(f"nginx did not answer at {base_url} within {timeout:.0f} s")
