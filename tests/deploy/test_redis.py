"""Redis as docs/deploy.md configures it: a memory ceiling, and eviction when it is reached.

A private redis-server gets the documented policy (with a ceiling small enough to reach in a
test); the page cache must keep storing and serving pages once Redis is full, as it would not
under Redis's default policy (noeviction: every write refused once full).
"""

import re
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from redis import Redis

from leadsite.settings.base import redis_cache
from tests.factories import make_article
from tests.production.servers import private_redis

pytestmark = pytest.mark.django_db
DEPLOY_GUIDE = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"


def documented(name: str) -> str:
    """A Redis setting as docs/deploy.md has the operator write it into redis.conf."""
    match = re.search(rf"^{name} (\S+)$", DEPLOY_GUIDE.read_text(), re.MULTILINE)
    assert match, f"docs/deploy.md sets no {name}"
    return match.group(1)


def redis_client(url: str) -> Redis:
    return Redis.from_url(url)


def test_the_guide_caps_redis_memory():
    assert re.fullmatch(r"\d+(mb|gb)", documented("maxmemory"))


def test_a_full_redis_keeps_caching_pages_under_the_documented_policy(article_index):
    article = make_article(article_index, "Cached when Redis is full")
    with private_redis() as redis:
        client = redis_client(redis.url)
        client.config_set("maxmemory-policy", documented("maxmemory-policy"))
        client.config_set("maxmemory", "4mb")
        with override_settings(CACHES={"default": redis_cache(redis.url, "test-full")}):
            filler = "x" * 50_000
            for n in range(200):  # 10 MB of pages of other sites, or of junk addresses
                caches["default"].set(f"filler-{n}", filler, 300)
            first, second = Client().get(article.url), Client().get(article.url)
            caches["default"].close()
        assert client.info("memory")["used_memory"] < 5 * 1024 * 1024
        assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
        client.close()
