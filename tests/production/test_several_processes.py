"""Several processes, one truth: rate limits and notifications with more than one of each.

App servers are separate gunicorn masters (separate memory), task workers separate
`manage.py run_worker` processes, on one PostgreSQL database and one Redis. (Shared page cache,
purges and sign-in lockouts: tests/leadsite/test_processes.py.)
"""

from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest
from django.conf import settings

from leads.capture.spam import parse_rate_limits
from tests.live_site import smtp_server
from tests.production.servers import (
    MAIN_REDIS_URL,
    SALES,
    TASKS_TABLE,
    app_server,
    form_token,
    free_port,
    post_lead,
    queue_env,
    rows,
    site_env,
    stored_emails,
    task_worker,
    wait_until,
)

pytestmark = pytest.mark.multiprocess


def test_lead_rate_limit_is_counted_across_app_servers(template, database, redis_prefix, logs):
    """Visitor: one address sends the quote form again and again, each time to the other of
    two app servers (a load balancer's round robin). The sends allowed by the per-IP limit get
    the thank-you redirect; the next one, on either server, gets the 429 page with the answers
    kept. Stored: exactly the allowed submissions. The count lives in Redis, not in a process."""
    (limit,) = [
        limit for limit in parse_rate_limits(settings.LEAD_RATE_LIMITS) if limit.scope == "ip"
    ]
    env = site_env(template.workdir, database) | {
        "REDIS_URL": MAIN_REDIS_URL,
        "CACHE_KEY_PREFIX": redis_prefix,
    }
    del env["LEAD_RATE_LIMITS"]  # the production default
    with ExitStack() as stack:
        servers = [
            stack.enter_context(app_server(env, logs / f"app{n}.log", threads=1)) for n in range(2)
        ]
        token = form_token(servers[0], template.cta_id)
        # One email each: the per-email limit is not the one counted here.
        emails = [f"visitor{n}@rate.example" for n in range(limit.count + 2)]
        answers = [
            post_lead(servers[n % 2], template.cta_id, token, email)
            for n, email in enumerate(emails)
        ]

    assert [answer.status for answer in answers] == [303] * limit.count + [429, 429]
    assert "your answers are still here" in answers[-1].body
    assert emails[-1] in answers[-1].body
    assert stored_emails(database) == set(emails[: limit.count])


def test_each_notification_is_sent_once_with_two_workers(template, database, logs):
    """Visitors: 20 people send the quote form at about the same time; each gets the thank-you
    redirect. Stored: 20 submissions, each with a queue row written in the same transaction.
    Two task workers race for the queue: the SMTP server receives exactly one notification per
    lead for sales and one confirmation per lead, every delivery ends "sent" after one attempt,
    and both workers did part of the work."""
    smtp_port = free_port()
    env = queue_env(template, database, smtp_port)
    emails = [f"lead{n}@once.example" for n in range(20)]
    with ExitStack() as stack:
        smtp = stack.enter_context(smtp_server(smtp_port))
        workers = [
            stack.enter_context(task_worker(env, logs / f"worker{n}.log", wait=False))
            for n in range(2)
        ]
        base_url = stack.enter_context(app_server(env, logs / "app.log"))
        for worker in workers:
            worker.wait_started()
        token = form_token(base_url, template.cta_id)
        with ThreadPoolExecutor(max_workers=4) as pool:
            statuses = list(
                pool.map(
                    lambda email: post_lead(base_url, template.cta_id, token, email).status, emails
                )
            )

        def all_delivered():
            found = rows(database, "SELECT status, attempts FROM leads_delivery")
            return len(found) == 40 and all(row == ("sent", 1) for row in found)

        wait_until(all_delivered, timeout=30, message="not every delivery was sent once")

    assert statuses == [303] * 20
    assert stored_emails(database) == set(emails)
    assert sorted(smtp.recipients) == sorted([SALES] * 20 + emails)
    worker_ids = rows(
        database,
        f"SELECT DISTINCT worker_ids->>0 FROM {TASKS_TABLE}"  # noqa: S608 - our constant
        " WHERE task_path = %s",
        "leads.tasks.deliver_follow_up",
    )
    assert len(worker_ids) == 2
