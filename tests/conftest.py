import pytest
from django.core.cache import caches
from django.db import connections

from blog.site_tree import ensure_site_tree
from leads.memo import Memo
from tests import live_site


@pytest.fixture(autouse=True)
def empty_caches():
    """Each test starts with empty caches.

    Rolled-back rows free their ids for the next test (SQLite reuses them), and Wagtail caches
    renditions by image id: without this a test can be served another test's image.
    """
    for cache in caches.all():
        cache.clear()
    Memo.clear_all()  # the capture path's per-process memos hold rows of earlier tests


@pytest.fixture(scope="session", autouse=True)
def migration_rows_restored_at_exit(django_db_setup, django_db_blocker):
    """Leave the test database as the migrations made it, for the next run to reuse.

    Every browser test and migration test ends with a flush (see tests/e2e `site`), and
    serialized rollback puts the rows the migrations made (Wagtail's root page and root
    collection) back only when the next such test starts. The last one would leave the
    database without them, and the next run, which reuses the database (`--reuse-db` in
    pyproject.toml), would fail every test that needs the page tree. Saving a serialized row
    that is still there updates it, so this is safe either way.
    """
    yield
    with django_db_blocker.unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="session")
def migrated_template():
    """A database migrated once per test process, of the run's kind (SQLite or PostgreSQL),
    for the tests that start real servers: each takes a copy (live_site.migrated_database)
    instead of migrating its own. Made only when such a test asks for it."""
    with live_site.migrated_template() as url:
        yield url


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
