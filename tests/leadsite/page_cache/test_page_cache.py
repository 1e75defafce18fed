"""Anonymous pages come from the cache; editors and changes never see a stale one."""

import time

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client, override_settings
from taggit.models import Tag

from leads.models import TopicCTA
from leadsite import page_cache
from leadsite.settings.base import redis_cache
from tests.factories import make_article, make_cta
from tests.live_site import http_receiver

pytestmark = pytest.mark.django_db

# The production cache configuration, pointed at a port where no Redis listens.
UNREACHABLE_REDIS = {"default": redis_cache("redis://127.0.0.1:1/0")}


class CountingCache(LocMemCache):
    """The local-memory cache, recording each call a round trip to Redis would be (django-redis
    sends one command per call: GET, MGET, SET, SET NX)."""

    calls = []

    def get(self, *args, **kwargs):
        self.calls.append("get")
        return super().get(*args, **kwargs)

    def get_many(self, keys, version=None):
        self.calls.append("get_many")
        # BaseCache.get_many calls get() per key; Redis answers them all in one MGET.
        found = {}
        for key in keys:
            value = LocMemCache.get(self, key, self, version=version)
            if value is not self:
                found[key] = value
        return found

    def set(self, *args, **kwargs):
        self.calls.append("set")
        return super().set(*args, **kwargs)

    def add(self, *args, **kwargs):
        self.calls.append("add")
        return super().add(*args, **kwargs)


COUNTING_CACHE = {
    "default": {"BACKEND": f"{__name__}.CountingCache", "LOCATION": "page-cache-round-trips"}
}


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run what a change does once it commits (purges), as in production."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def article(article_index, commits):
    with commits():
        return make_article(article_index, "Cached article", tags=["lead generation"])


def get(url, query=None, **headers):
    return Client().get(url, query or {}, **headers)


def republish(page, commits, **changes):
    with commits():
        for name, value in changes.items():
            setattr(page, name, value)
        page.save_revision().publish()


def test_second_anonymous_request_is_served_from_the_cache(article):
    first, second = get(article.url), get(article.url)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content


def test_a_hit_costs_one_cache_round_trip_and_no_query(article, django_assert_num_queries):
    with override_settings(CACHES=COUNTING_CACHE):
        get(article.url)
        CountingCache.calls.clear()
        with django_assert_num_queries(0):
            response = get(article.url)
    assert response["X-Page-Cache"] == "hit"
    assert CountingCache.calls == ["get_many"]


@pytest.fixture
def local_copies(settings):
    """Each process's own copies of pages on, trusted for `seconds`; none left from before."""

    def turn_on(seconds):
        settings.PAGE_CACHE_LOCAL_SECONDS = seconds
        page_cache.local_copies.saw_generation(None)

    yield turn_on
    page_cache.local_copies.saw_generation(None)


def test_a_hit_on_this_process_s_copy_costs_no_round_trip(article, local_copies):
    local_copies(60)
    with override_settings(CACHES=COUNTING_CACHE):
        get(article.url)
        CountingCache.calls.clear()
        response = get(article.url)
    assert response["X-Page-Cache"] == "hit"
    assert CountingCache.calls == []


def test_this_process_s_own_purge_replaces_its_copy_at_once(article, local_copies, commits):
    local_copies(60)
    get(article.url)
    republish(article, commits, title="Second version")
    assert "Second version" in get(article.url).content.decode()


def test_another_process_s_purge_reaches_the_copy_within_the_interval(article, local_copies):
    local_copies(0.5)
    get(article.url)
    # Another process publishes: the database changes and the shared generation moves, but
    # this process runs no purge of its own.
    article.title = "Published elsewhere"
    article.save_revision().publish()
    cache.incr(page_cache.GENERATION_KEY)
    assert "Published elsewhere" not in get(article.url).content.decode()  # the trade-off
    time.sleep(0.6)
    assert "Published elsewhere" in get(article.url).content.decode()


def test_copies_beyond_the_memory_budget_go_least_recently_used_first(settings):
    settings.PAGE_CACHE_LOCAL_SECONDS = 60
    settings.PAGE_CACHE_LOCAL_MB = 1
    copies = page_cache.LocalCopies()
    copies.saw_generation(7)
    for key in "abc":
        copies.keep(key, (7, 200, [], b"x" * 400_000))
        copies.get("a")  # a stays in use
    assert [key for key in "abc" if copies.get(key)] == ["a", "c"]
    copies.keep("old", (6, 200, [], b"x"))  # rendered before a purge this process saw
    assert copies.get("old") is None


def test_a_page_stored_before_a_purge_is_replaced_by_a_fresh_one(article, commits):
    get(article.url)
    republish(article, commits, title="Second version")
    assert get(article.url)["X-Page-Cache"] == "miss"
    response = get(article.url)
    assert response["X-Page-Cache"] == "hit"
    assert "Second version" in response.content.decode()


def test_cached_page_says_shared_caches_may_keep_it(article):
    response = get(article.url)
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=60", "s-maxage=300"}
    assert "Set-Cookie" not in response.headers


def test_cached_copy_keeps_the_security_headers(article):
    first, second = get(article.url), get(article.url)
    for header in ("Content-Security-Policy", "Permissions-Policy", "X-Content-Type-Options"):
        assert second[header] == first[header]


def test_each_response_gets_its_own_request_id(article):
    first, second = get(article.url), get(article.url)
    assert second["X-Page-Cache"] == "hit"
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.parametrize("url", ["/", "/posts/", "/tags/", "/tags/lead-generation/", "/feed/"])
def test_listings_are_cached(article, url):
    get(url)
    assert get(url)["X-Page-Cache"] == "hit"


def test_signed_in_editor_gets_a_fresh_private_page(article, admin_client):
    get(article.url)  # cached for visitors
    response = admin_client.get(article.url)
    assert "X-Page-Cache" not in response.headers
    assert "private" in response["Cache-Control"]
    assert "no-cache" in response["Cache-Control"]


def test_page_shown_to_an_editor_is_not_served_to_visitors(article, admin_client):
    admin_client.get(article.url)
    assert get(article.url)["X-Page-Cache"] == "miss"


def test_campaign_tags_share_the_cached_page(article):
    get(article.url)
    response = get(article.url, {"utm_source": "news", "utm_medium": "email", "gclid": "abc"})
    assert response["X-Page-Cache"] == "hit"


def test_pages_of_a_listing_are_cached_apart(article_index, commits):
    with commits():
        for n in range(13):
            make_article(article_index, f"Listed {n}")
    first = get("/posts/")
    second = get("/posts/", {"page": "2"})
    assert second["X-Page-Cache"] == "miss"
    assert second.content != first.content


def stored_pages() -> list[str]:
    """The keys of the pages in the (local-memory) cache."""
    return [key for key in cache._cache if "page-cache:" in key and GENERATION not in key]


GENERATION = page_cache.GENERATION_KEY


@pytest.mark.parametrize("host", ["TestServer", "testserver.", "TESTSERVER.:80"])
def test_spellings_of_the_host_share_the_cached_page(article, host):
    first = get(article.url)
    response = get(article.url, HTTP_HOST=host)
    assert response["X-Page-Cache"] == "hit"
    assert response.content == first.content
    assert len(stored_pages()) == 1


def test_a_page_asked_for_under_another_host_spelling_is_never_stored(article):
    for host in ("TESTSERVER", "testserver.", "Testserver:80"):
        response = get(article.url, HTTP_HOST=host)
        assert response["X-Page-Cache"] == "miss"
        assert "public" not in response.get("Cache-Control", "")
    assert stored_pages() == []
    assert get(article.url)["X-Page-Cache"] == "miss"  # rendered for the canonical host


def test_a_host_naming_a_port_nobody_listens_on_is_never_cached(article):
    for port in range(8000, 8010):
        response = get(article.url, HTTP_HOST=f"testserver:{port}")
        assert "X-Page-Cache" not in response.headers
        assert "public" not in response.get("Cache-Control", "")
    assert stored_pages() == []


def test_page_values_a_listing_does_not_show_are_never_stored(article_index, commits):
    with commits():
        for n in range(13):
            make_article(article_index, f"Listed {n}")
    junk = ["abc", "0", "02", "1.0", "-1", "3", "999", " 2", "2&page=2", "", "%00", "\u0662"]
    for value in junk:
        for _ in range(2):
            response = get("/posts/", {"page": value})
            assert response.status_code == 200
            assert response["X-Page-Cache"] == "miss"
            assert "public" not in response.get("Cache-Control", "")
    assert get("/posts/", {"page": ["2", "2"]})["X-Page-Cache"] == "miss"
    assert stored_pages() == []
    get("/posts/", {"page": "2"})
    assert get("/posts/", {"page": "2", "utm_source": "x"})["X-Page-Cache"] == "hit"
    assert len(stored_pages()) == 1


def test_page_parameter_of_a_page_that_does_not_paginate_is_never_stored(article):
    for value in ("1", "2", "junk"):
        response = get(article.url, {"page": value})
        assert response.status_code == 200
        assert "public" not in response.get("Cache-Control", "")
    assert stored_pages() == []
    assert get(article.url)["X-Page-Cache"] == "miss"


def test_unknown_query_parameters_are_never_cached(article):
    get(article.url, {"preview": "1"})
    assert "X-Page-Cache" not in get(article.url, {"preview": "1"}).headers


def test_search_results_are_never_cached(article):
    get("/search/", {"q": "cached"})
    response = get("/search/", {"q": "cached"})
    assert "X-Page-Cache" not in response.headers


def test_not_found_is_not_cached(article_index):
    get("/posts/no-such-article/")
    assert get("/posts/no-such-article/")["X-Page-Cache"] == "miss"


def test_publishing_a_change_replaces_the_cached_page(article, commits):
    get(article.url)
    republish(article, commits, title="Retitled article")
    response = get(article.url)
    assert response["X-Page-Cache"] == "miss"
    assert "Retitled article" in response.content.decode()


def test_publishing_an_article_refreshes_the_listings(article, article_index, commits):
    get("/posts/")
    with commits():
        make_article(article_index, "Brand new article")
    assert "Brand new article" in get("/posts/").content.decode()


def test_unpublishing_removes_the_cached_page(article, commits):
    get(article.url)
    with commits():
        article.unpublish()
    assert get(article.url).status_code == 404


def test_moving_a_page_sends_its_old_address_to_the_new_one(article, article_index, commits):
    with commits():
        new_parent = make_article(article_index, "New home")
    old_url = article.url
    get(old_url)
    with commits():
        article.move(new_parent, pos="last-child")
    response = get(old_url)
    assert response.status_code == 301
    assert response["Location"].endswith("/posts/new-home/cached-article/")


def test_editing_a_cta_shown_on_a_page_refreshes_it(article_index, commits):
    with commits():
        cta = make_cta("quote", headline="Old offer")
        page = make_article(article_index, cta=cta)
    assert "Old offer" in get(page.url).content.decode()
    with commits():
        cta.headline = "New offer"
        cta.save()
    assert "New offer" in get(page.url).content.decode()


def test_placing_a_topic_cta_refreshes_the_topic_s_articles(article, commits):
    get(article.url)
    with commits():
        TopicCTA.objects.create(
            tag=Tag.objects.get(name="lead generation"), cta=make_cta("quote", headline="Topical")
        )
    assert "Topical" in get(article.url).content.decode()


def test_renaming_a_tag_refreshes_the_pages_showing_it(article, commits):
    get(article.url)
    with commits():
        tag = Tag.objects.get(name="lead generation")
        tag.name = "Demand generation"
        tag.save()
    assert "Demand generation" in get(article.url).content.decode()


@pytest.mark.parametrize("url", ["/tags/lead-generation/", "/tags/"])
def test_describing_a_topic_refreshes_its_archive_and_the_topics(article, commits, url):
    # One page per test: after a purge one request at a time renders a stale page
    # (PAGE_CACHE_STALE_RENDERS) and its slot rests as long as the render took, so a second
    # stale page asked for at once is served stale by design (test_single_flight.py).
    from blog.models import TopicDescription

    get(url)
    with commits():
        TopicDescription.objects.create(
            tag=Tag.objects.get(name="lead generation"), description="Readers into leads."
        )
    assert "Readers into leads." in get(url).content.decode()


def test_cache_outage_serves_the_page_rendered_afresh(article):
    with override_settings(CACHES=UNREACHABLE_REDIS):
        response = get(article.url)
    assert response.status_code == 200
    assert "Cached article" in response.content.decode()


def test_cache_outage_does_not_stop_an_editor_publishing(article, commits):
    with override_settings(CACHES=UNREACHABLE_REDIS):
        republish(article, commits, title="Published during the outage")
    assert "Published during the outage" in get(article.url).content.decode()


def test_cache_off_sends_no_shared_cache_headers(article):
    with override_settings(PAGE_CACHE_SECONDS=0):
        response = get(article.url)
    assert "X-Page-Cache" not in response.headers
    assert "public" not in response.get("Cache-Control", "")


# The front cache (nginx, Varnish, a CDN), purged through Wagtail's HTTP backend.


def front_cache(receiver):
    return {
        "http": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": receiver.url.removesuffix("/hooks/leads"),
        }
    }


def purged_paths(receiver):
    return {request.path for request in receiver.requests if request.method == "PURGE"}


def test_publishing_purges_the_page_and_its_listings_from_the_front_cache(article, commits):
    with http_receiver() as receiver, override_settings(WAGTAILFRONTENDCACHE=front_cache(receiver)):
        republish(article, commits, title="Purged")
    assert {
        article.url,
        "/",
        "/posts/",
        "/tags/",
        "/tags/lead-generation/",
        "/tags/lead-generation/feed/",
        "/feed/",
        "/sitemap.xml",
    } <= purged_paths(receiver)


def test_publishing_purges_the_pages_of_the_listings_showing_it(article_index, commits):
    """nginx keeps `?page=N` apart: a purge of the bare listing would leave page 2 listing an
    unpublished article."""
    with commits():
        for n in range(13):
            make_article(article_index, f"Listed {n}", tags=["lead generation"])
        article = make_article(article_index, "Leaving", tags=["lead generation"])
    with (
        http_receiver() as receiver,
        override_settings(WAGTAILFRONTENDCACHE=front_cache(receiver)),
        commits(),
    ):
        article.unpublish()
    purged = purged_paths(receiver)
    for listing in ("/posts/", "/tags/lead-generation/"):
        assert {f"{listing}?page={n}" for n in (1, 2, 3)} <= purged


def test_front_cache_purge_names_the_site_s_host(article, commits):
    with http_receiver() as receiver, override_settings(WAGTAILFRONTENDCACHE=front_cache(receiver)):
        republish(article, commits, title="Purged")
    assert {request.headers["Host"] for request in receiver.requests} == {"localhost"}


def test_editing_a_cta_purges_every_public_page_from_the_front_cache(article, commits):
    with commits():
        cta = make_cta("quote")
    with (
        http_receiver() as receiver,
        override_settings(WAGTAILFRONTENDCACHE=front_cache(receiver)),
        commits(),
    ):
        cta.headline = "Changed"
        cta.save()
    assert {article.url, "/", "/posts/", "/tags/lead-generation/"} <= purged_paths(receiver)


def test_front_cache_outage_does_not_stop_an_editor_publishing(article, commits):
    with (
        http_receiver(status=503) as receiver,
        override_settings(WAGTAILFRONTENDCACHE=front_cache(receiver)),
    ):
        republish(article, commits, title="Published anyway")
    assert "Published anyway" in get(article.url).content.decode()


def test_front_cache_purges_name_non_ascii_pages_and_topics_percent_encoded(article_index, commits):
    """nginx keys on the request URI as browsers send it: percent-encoded UTF-8."""
    with (
        http_receiver() as receiver,
        override_settings(WAGTAILFRONTENDCACHE=front_cache(receiver)),
        commits(),
    ):
        make_article(article_index, "Crème", slug="crème-brûlée", tags=["Français"])
    assert {
        "/posts/cr%C3%A8me-br%C3%BBl%C3%A9e/",
        "/tags/fran%C3%A7ais/",
        "/tags/fran%C3%A7ais/feed/",
    } <= purged_paths(receiver)
