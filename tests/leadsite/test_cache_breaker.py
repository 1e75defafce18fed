"""The Redis cache's circuit breaker, on a real redis-server of the test's own stopped with
SIGSTOP (connections stay open; nothing answers) and continued with SIGCONT. The same under
load, through gunicorn: tests/production/test_redis_hang.py."""

import signal

import pytest
from django.core.cache import cache
from django.test import override_settings

from leadsite.settings.base import redis_cache
from tests.production.servers import private_redis, wait_until

INTERVAL = 3  # seconds: longer than the few calls below take, short enough to wait for


@pytest.fixture
def redis_server():
    with private_redis() as server:
        config = redis_cache(server.url, "breaker")
        config["OPTIONS"]["BREAKER_SECONDS"] = INTERVAL
        with override_settings(CACHES={"default": config}):
            yield server


def test_after_one_timeout_the_process_skips_a_hung_redis_until_a_try_succeeds(redis_server):
    cache.set("greeting", "hello")
    redis_server.process.send_signal(signal.SIGSTOP)
    try:
        assert cache.get("greeting") is None  # the one call that waits its timeout: a miss
        assert cache.is_unreachable()
    finally:
        redis_server.process.send_signal(signal.SIGCONT)
    # Redis answers again, but within the interval nothing asks it: each call is a miss at
    # once, and a write is not kept.
    assert [cache.get("greeting") for _ in range(5)] == [None] * 5
    assert not cache.add("written-meanwhile", 1)
    # After the interval one call tries Redis, which answers: the cache is back.
    wait_until(lambda: cache.get("greeting") == "hello", timeout=30, message="no probe")
    assert not cache.is_unreachable()
    assert cache.get("written-meanwhile") is None
    assert cache.add("written-after", 1)


def test_a_stopped_redis_also_opens_the_breaker_and_its_return_closes_it(redis_server):
    cache.set("greeting", "hello")
    redis_server.stop()  # connections refused at once
    assert cache.get("greeting") is None
    assert cache.is_unreachable()
    redis_server.start()  # empty, as after a restart
    wait_until(lambda: cache.add("back", 1), timeout=30, message="the cache did not resume")
    assert not cache.is_unreachable()
