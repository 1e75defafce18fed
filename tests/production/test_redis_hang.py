"""A Redis that hangs (SIGSTOP: connections stay open, nothing answers) under load.

Real processes: gunicorn with the production settings (two gthread workers), a PostgreSQL
copy, and a redis-server of the test's own, stopped with SIGSTOP for 8 s and continued with
SIGCONT. Visitors load the home page (cached) and send the quote form throughout.
"""

import signal
import threading
import time
from contextlib import ExitStack

import pytest

from tests.production.servers import (
    app_server,
    fetch,
    form_token,
    post_lead,
    private_redis,
    site_env,
    stored_emails,
    wait_until,
)

pytestmark = pytest.mark.multiprocess

BEFORE_SECONDS = 5
FREEZE_SECONDS = 8
VISITORS = 6


class Load:
    """Visitors loading the home page, and one sending the quote form, until stopped; each
    answer is recorded with the time it arrived."""

    def __init__(self, base_url, cta_id, token):
        self.base_url, self.cta_id, self.token = base_url, cta_id, token
        self.pages = []  # (arrived, status)
        self.leads = []  # (arrived, status, email)
        self.running = threading.Event()
        self.running.set()
        self.threads = [threading.Thread(target=self.visit) for _ in range(VISITORS)]
        self.threads.append(threading.Thread(target=self.send_leads))

    def visit(self):
        while self.running.is_set():
            answer = fetch(f"{self.base_url}/", timeout=60)
            self.pages.append((time.monotonic(), answer.status))

    def send_leads(self):
        n = 0
        while self.running.is_set():
            email = f"lead{n}@redis-hang.example"
            answer = post_lead(self.base_url, self.cta_id, self.token, email)
            self.leads.append((time.monotonic(), answer.status, email))
            n += 1
            time.sleep(0.2)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.running.clear()
        for thread in self.threads:
            thread.join(timeout=120)

    def answered(self, start, end) -> int:
        return sum(start <= t < end for t, _ in self.pages) + sum(
            start <= t < end for t, _, _ in self.leads
        )


def test_a_hung_redis_costs_each_process_one_timeout_not_one_per_request(template, database, logs):
    """Throughput while Redis is frozen for 8 s stays at least half of what it was before
    (the page from each process's own copy, the lead with its rate limits failing open), no
    answer is a server error, every lead answered with the thank-you redirect is stored, and
    the cache resumes once Redis does."""
    with private_redis() as redis, ExitStack() as stack:
        env = site_env(template.workdir, database) | {
            "REDIS_URL": redis.url,
            "CACHE_KEY_PREFIX": "hang",
        }
        # Counted in Redis as in production, out of reach of one client sending many leads.
        env["LEAD_RATE_LIMITS"] = "ip=100000000/h,email=10/h"
        base_url = stack.enter_context(app_server(env, logs / "app.log", workers=2, threads=4))
        token = form_token(base_url, template.cta_id)
        for n in range(16):  # every worker has loaded the page and the form
            fetch(f"{base_url}/")
            post_lead(base_url, template.cta_id, token, f"warm{n}@redis-hang.example")
        with Load(base_url, template.cta_id, token) as load:
            started = time.monotonic()
            time.sleep(BEFORE_SECONDS)
            redis.process.send_signal(signal.SIGSTOP)
            frozen = time.monotonic()
            try:
                time.sleep(FREEZE_SECONDS / 2)
                ready_while_frozen = fetch(f"{base_url}/readyz", timeout=60)
                time.sleep(max(0.0, frozen + FREEZE_SECONDS - time.monotonic()))
            finally:
                redis.process.send_signal(signal.SIGCONT)
            thawed = time.monotonic()
            time.sleep(2)
        resumed = wait_until(
            lambda: fetch(f"{base_url}/readyz").status == 200,
            timeout=30,
            message="/readyz did not recover after Redis continued",
        )

    before = load.answered(started, frozen) / (frozen - started)
    during = load.answered(frozen, thawed) / (thawed - frozen)
    assert during >= before / 2, f"{during:.1f}/s while frozen against {before:.1f}/s before"
    statuses = {status for _, status in load.pages} | {status for _, status, _ in load.leads}
    assert statuses <= {200, 303}, statuses
    accepted = {email for _, status, email in load.leads if status == 303}
    assert any(frozen <= t < thawed for t, status, _ in load.leads if status == 303)
    assert accepted <= stored_emails(database)
    assert ready_while_frozen.status == 503  # a load balancer can tell
    assert resumed
