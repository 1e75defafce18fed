"""Faults in production: a worker killed mid-task, the database restarting under load, Redis
stopping, SMTP failing. Each test says what the visitor saw and what was stored.

Real processes throughout: gunicorn with the production settings, `manage.py run_worker`, a
PostgreSQL cluster and a redis-server of the test's own (stopped and started at will), an
aiosmtpd SMTP server. (The same faults within one process, with the in-process task backend,
are in tests/leads/followup/test_faults.py.)
"""

import asyncio
import re
import threading
import time
from contextlib import ExitStack
from html import unescape

import pytest
from playwright.sync_api import sync_playwright

from tests.browser import CHROMIUM_ARGS, chromium_or_skip
from tests.factories import ANSWERS
from tests.live_site import MailCollector, smtp_server
from tests.production.servers import (
    SALES,
    TASKS_TABLE,
    Answer,
    app_server,
    copy_database,
    deliveries,
    fetch,
    form_token,
    free_port,
    kill,
    lead_data,
    post_lead,
    private_postgres,
    private_redis,
    queue_env,
    rows,
    site_env,
    stored_emails,
    task_worker,
    wait_until,
)

pytestmark = pytest.mark.multiprocess


def task_statuses(database, name) -> list[str]:
    """The queue rows' statuses of the task `name` of leads/tasks.py."""
    query = f"SELECT status FROM {TASKS_TABLE} WHERE task_path = %s"  # noqa: S608 - our constant
    found = rows(database, query, f"leads.tasks.{name}")
    return [status for (status,) in found]


class StallingMailCollector(MailCollector):
    """Holds the first message at DATA, never accepting it (a mail server that hangs)."""

    def __init__(self):
        super().__init__()
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if not self.stalled.is_set():
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 Try again later"
        return await super().handle_DATA(server, session, envelope)


def test_worker_killed_mid_send_is_recovered_by_another_worker(template, database, logs):
    """Visitor: sends the quote form and gets the thank-you redirect. The worker that takes
    the follow-up is killed (SIGKILL) while the mail server holds its first message; the lead
    is stored, that delivery is left "sending" and its queue row "running" for ever. A new
    worker's sweep takes it again after LEAD_DELIVERY_STUCK_SECONDS: sales get the
    notification and the lead the confirmation, each exactly once, and both end "sent"."""
    smtp_port = free_port()
    env = queue_env(template, database, smtp_port, LEAD_DELIVERY_STUCK_SECONDS=2)
    lead = "killed@worker.example"
    handler = StallingMailCollector()
    with ExitStack() as stack:
        smtp = stack.enter_context(smtp_server(smtp_port, handler=handler))
        stack.callback(handler.release.set)
        first = stack.enter_context(task_worker(env, logs / "worker1.log", wait=False))
        base_url = stack.enter_context(app_server(env, logs / "app.log"))
        first.wait_started()
        answer = post_lead(base_url, template.cta_id, form_token(base_url, template.cta_id), lead)
        assert handler.stalled.wait(timeout=20), "the worker never sent a message"
        kill(first.process)

        assert answer.status == 303
        assert stored_emails(database) == {lead}
        assert "sending" in {status for status, _ in deliveries(database, lead).values()}
        assert task_statuses(database, "deliver_follow_up") == ["RUNNING"]
        assert smtp.recipients == []

        stack.enter_context(task_worker(env, logs / "worker2.log"))
        wait_until(
            lambda: {status for status, _ in deliveries(database, lead).values()} == {"sent"},
            timeout=20,
            message=f"the deliveries were not recovered: {deliveries(database, lead)}",
        )

    assert sorted(smtp.recipients) == sorted([SALES, lead])
    # The stalled message went out on its second attempt, the one never begun on its first.
    assert sorted(attempts for _, attempts in deliveries(database, lead).values()) == [1, 2]


def test_database_restart_under_load_answers_503_then_recovers(template, logs):
    """Visitors keep loading the CTA page and sending the quote form while PostgreSQL stops
    (a fast shutdown: connections cut) and starts again. They see either the page or the
    thank-you redirect, or, while it is down, a 503 with Retry-After: the lead form comes back
    with their answers still in it; never a 500. Once it is back, the same app servers (not
    restarted) serve pages and take leads again. Stored: every lead that got the redirect."""
    answers = []  # (what, email, Answer)
    done = threading.Event()

    with private_postgres() as cluster, ExitStack() as stack:
        database = copy_database(cluster, template.url, "leadsite")
        env = site_env(template.workdir, database)
        base_url = stack.enter_context(app_server(env, logs / "app.log", workers=2))
        cta_page = f"{base_url}/leads/cta/{template.cta_id}/"
        token = form_token(base_url, template.cta_id)

        def visitor(number):
            sent = 0
            while not done.is_set():
                email = f"v{number}-{sent}@restart.example"
                sent += 1
                try:  # no answer at all (a reset, a timeout) is recorded as status 0
                    answers.append(
                        ("lead", email, post_lead(base_url, template.cta_id, token, email))
                    )
                    answers.append(("page", "", fetch(cta_page)))
                except OSError as error:
                    answers.append(("error", email, Answer(0, {}, repr(error))))

        threads = [threading.Thread(target=visitor, args=(n,)) for n in range(3)]
        for thread in threads:
            thread.start()
        stack.callback(done.set)
        time.sleep(1)
        cluster.stop()
        time.sleep(0.5)
        down_page = fetch(cta_page)
        down_lead = post_lead(base_url, template.cta_id, token, "while-down@restart.example")
        time.sleep(0.5)
        cluster.start()
        wait_until(lambda: fetch(cta_page).status == 200, timeout=15, message="no recovery")
        time.sleep(1)
        done.set()
        for thread in threads:
            thread.join(timeout=30)
        after_lead = post_lead(base_url, template.cta_id, token, "after@restart.example")
        stored = stored_emails(database)

    assert down_page.status == 503
    assert down_page.headers["Retry-After"].isdigit()
    assert "back in a moment" in down_page.body
    assert down_lead.status == 503
    assert down_lead.headers["Retry-After"].isdigit()
    assert 'value="while-down@restart.example"' in down_lead.body  # the answers are kept
    assert "Your answers are still here" in down_lead.body
    assert after_lead.status == 303
    statuses = {answer.status for _, _, answer in answers}
    odd = [(what, a.status, a.body[:500]) for what, _, a in answers if a.status not in (200, 303)]
    assert statuses == {200, 303, 503}, odd  # never a 500, and the load saw the outage
    assert all(a.headers.get("Retry-After") for _, _, a in answers if a.status == 503)
    accepted = {email for what, email, a in answers if what == "lead" and a.status == 303}
    assert accepted <= stored
    assert "after@restart.example" in stored
    assert "while-down@restart.example" not in stored


def test_database_down_before_a_process_has_read_the_form_keeps_the_answers(template, logs):
    """A fresh app process, which has not read the quote CTA yet, gets the form posted while
    PostgreSQL is down: it cannot build the form, and still loses no answer. Without JavaScript
    the visitor gets a 503 page that holds them and sends them again; leads.js gets the message
    to show in the form it keeps. Once the database is back, "Send again" stores the lead."""
    email = "cold-process@restart.example"
    with private_postgres() as cluster, ExitStack() as stack:
        database = copy_database(cluster, template.url, "leadsite")
        env = site_env(template.workdir, database)
        base_url = stack.enter_context(app_server(env, logs / "app.log"))
        cta_page = f"{base_url}/leads/cta/{template.cta_id}/"
        token = form_token(base_url, template.cta_id)  # the page; the submit path is unread
        cluster.stop()
        plain = post_lead(base_url, template.cta_id, token, email)
        in_place = post_lead(  # as leads.js sends it
            base_url, template.cta_id, token, email, headers={"X-Requested-With": "leadsite"}
        )
        cluster.start()
        wait_until(lambda: fetch(cta_page).status == 200, timeout=15, message="no recovery")
        action = re.search(r'<form [^>]*action="([^"]+)"', plain.body)
        assert action, f"no form to send the answers again: {plain.status} {plain.body[:300]}"
        kept = {
            unescape(name): unescape(value)
            for name, value in re.findall(
                r'type="hidden" name="([^"]*)" value="([^"]*)"', plain.body
            )
        }
        resent = fetch(f"{base_url}{action.group(1)}", data=kept, headers={"Origin": base_url})
        stored = stored_emails(database)

    assert (plain.status, in_place.status) == (503, 503)
    assert plain.headers["Retry-After"].isdigit() and in_place.headers["Retry-After"].isdigit()
    assert "Your answers are still here" in plain.body
    assert kept == lead_data(token, email)
    assert in_place.headers["X-Lead-Keep-Form"] == "1"
    assert "Your answers are still here" in in_place.body
    assert "<form" not in in_place.body and "<html" not in in_place.body
    assert resent.status == 303
    assert email in stored


def test_leads_js_keeps_the_form_as_typed_while_the_database_is_down(template, logs):
    """In Chromium: a visitor fills in the quote form; PostgreSQL stops before they send it (to
    a process that has not read the CTA). The form stays on the page with every answer and says
    it was not sent; they send it again once the database is back and get the thank-you."""
    email = "typed@restart.example"
    with private_postgres() as cluster, ExitStack() as stack:
        database = copy_database(cluster, template.url, "leadsite")
        env = site_env(template.workdir, database)
        base_url = stack.enter_context(app_server(env, logs / "app.log"))
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=chromium_or_skip(), args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(f"{base_url}/leads/cta/{template.cta_id}/")
        answers = ANSWERS["quote"] | {"email": email}
        form = page.locator("form[data-lead-form]")
        for name, value in answers.items():
            field = form.locator(f"[name={name}]")
            if field.evaluate("element => element.tagName") == "SELECT":
                field.select_option(value)
            else:
                field.fill(value)
        cluster.stop()
        form.locator("button[type=submit]").click()
        alert = form.locator("[data-lead-outage]")
        alert.wait_for()
        message = alert.inner_text()
        focused = page.evaluate("document.activeElement.hasAttribute('data-lead-outage')")
        typed = {name: form.locator(f"[name={name}]").input_value() for name in answers}
        cluster.start()
        wait_until(
            lambda: fetch(f"{base_url}/readyz").status == 200, timeout=15, message="no recovery"
        )
        form.locator("button[type=submit]").click()
        page.locator("[data-lead-thanks]").wait_for()
        stored = stored_emails(database)

    assert "Your answers are still here" in message
    assert focused  # a screen reader hears why
    assert typed == answers
    assert email in stored


def test_redis_stopping_costs_no_page_and_no_lead(template, database, logs):
    """Visitors load the home page (the second load is served from the Redis page cache) and
    send the quote form. Redis stops: the home page still answers 200 (from the process's own
    copy, which it serves while Redis is away, for up to PAGE_CACHE_SECONDS), and a
    lead sent now gets the thank-you redirect and is stored (rate limits fail open). Redis
    comes back (empty): pages are cached again, without restarting the app."""
    with private_redis() as redis, ExitStack() as stack:
        env = site_env(template.workdir, database) | {
            "REDIS_URL": redis.url,
            "CACHE_KEY_PREFIX": "faults",
        }
        del env["LEAD_RATE_LIMITS"]  # the production default: counted in Redis
        base_url = stack.enter_context(app_server(env, logs / "app.log", threads=2))
        home = f"{base_url}/"
        token = form_token(base_url, template.cta_id)
        cached = [fetch(home), fetch(home)]
        redis.stop()
        at_once = fetch(home)  # maybe the process's own copy (PAGE_CACHE_LOCAL_SECONDS, 1 s)
        time.sleep(1.5)  # past that second the process asks Redis, which is away
        while_down = [fetch(home), fetch(home)]
        lead = post_lead(base_url, template.cta_id, token, "no-redis@cache.example")
        ready = fetch(f"{base_url}/readyz")
        redis.start()
        wait_until(  # once the breaker lets a call through (CACHE_BREAKER_SECONDS)
            lambda: fetch(f"{base_url}/readyz").status == 200,
            timeout=30,
            message="the cache did not resume",
        )
        back = [fetch(home), fetch(home)]  # Redis came back empty: a new generation

    assert [a.headers["X-Page-Cache"] for a in cached] == ["miss", "hit"]
    assert [a.status for a in (at_once, *while_down)] == [200, 200, 200]
    # This process's own copy: no render per request while Redis is away.
    assert [a.headers["X-Page-Cache"] for a in while_down] == ["hit", "hit"]
    assert lead.status == 303
    assert stored_emails(database) == {"no-redis@cache.example"}
    assert ready.status == 503  # a load balancer can tell
    assert [(a.status, a.headers["X-Page-Cache"]) for a in back] == [(200, "miss"), (200, "hit")]


def test_smtp_outage_is_retried_by_the_worker_when_smtp_returns(template, database, logs):
    """Visitors send the quote form while the mail server is down (its port closed): each gets
    the thank-you redirect, the leads are stored, and the worker marks their emails "failed,
    will retry" with the connection error. The mail server comes back; once the backoff has
    passed, the retries the worker queued itself go out: one notification and one
    confirmation per lead, each delivery "sent" on its second attempt."""
    smtp_port = free_port()  # nothing listens there yet
    env = queue_env(template, database, smtp_port)
    leads = [f"lead{n}@smtp-down.example" for n in range(3)]
    with ExitStack() as stack:
        worker = stack.enter_context(task_worker(env, logs / "worker.log", wait=False))
        base_url = stack.enter_context(app_server(env, logs / "app.log"))
        worker.wait_started()
        token = form_token(base_url, template.cta_id)
        statuses = [post_lead(base_url, template.cta_id, token, lead).status for lead in leads]

        def all_failed():
            found = rows(database, "SELECT status, attempts, last_error FROM leads_delivery")
            return len(found) == 6 and {row[:2] for row in found} == {("failed", 1)} and found

        failed = wait_until(all_failed, timeout=20, message="the deliveries did not fail")
        stored = stored_emails(database)
        smtp = stack.enter_context(smtp_server(smtp_port))
        # The backoff (a minute) passes: the deliveries and the retries queued for them are due.
        rows(database, "UPDATE leads_delivery SET next_attempt_at = now() RETURNING id")
        rows(
            database,
            f"UPDATE {TASKS_TABLE} SET run_after = now()"  # noqa: S608 - our constant
            " WHERE status = 'READY' AND task_path = 'leads.tasks.deliver' RETURNING id",
        )

        def all_sent():
            found = rows(database, "SELECT status, attempts FROM leads_delivery")
            return set(found) == {("sent", 2)}

        wait_until(all_sent, timeout=20, message="the retries were not delivered")

    assert statuses == [303, 303, 303]
    assert stored == set(leads)
    assert {last_error for _, _, last_error in failed} == {"ConnectionRefusedError"}
    assert sorted(smtp.recipients) == sorted([SALES] * 3 + leads)
