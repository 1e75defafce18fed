"""The production tests start real processes: app servers, task workers, database and cache
servers. They share one migrated database per session (copied for each test) and one folder of
collected static files."""

import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

from tests.production.servers import MAIN_REDIS_URL, database_copy, migrated_template


@pytest.fixture(scope="session")
def template():
    workdir = Path(tempfile.mkdtemp(prefix="leadsite-production-"))
    try:
        with migrated_template(workdir) as migrated:
            yield migrated
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def database(template, request):
    """A fresh copy of the migrated database for this test; yields its URL."""
    with database_copy(template, request.node.name[:30].lower()) as url:
        yield url


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own on the machine's Redis; its keys are deleted after."""
    import redis

    prefix = f"test-production-{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(MAIN_REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}:*", count=500):
        client.delete(key)
    client.close()


@pytest.fixture
def logs(tmp_path):
    """Where this test's servers write their logs (quoted when a test fails)."""
    return tmp_path
