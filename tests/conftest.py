import pytest

from blog.site_tree import ensure_site_tree


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
