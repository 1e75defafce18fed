import pytest
from django.core.cache import caches

from blog.site_tree import ensure_site_tree
from leads.memo import Memo


@pytest.fixture(autouse=True)
def empty_caches():
    """Each test starts with empty caches.

    Rolled-back rows free their ids for the next test (SQLite reuses them), and Wagtail caches
    renditions by image id: without this a test can be served another test's image.
    """
    for cache in caches.all():
        cache.clear()
    Memo.clear_all()  # the capture path's per-process memos hold rows of earlier tests


@pytest.fixture
def site_tree(db):
    """The home page and the article index (/posts/), as a fresh install has them."""
    return ensure_site_tree()


@pytest.fixture
def home(site_tree):
    return site_tree[0]


@pytest.fixture
def article_index(site_tree):
    return site_tree[1]
