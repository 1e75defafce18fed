"""The test run's own configuration (pyproject.toml) does what its comments say."""

import os

import pytest


@pytest.mark.xdist_group("grouping-check")
def test_grouped_tests_are_scheduled_together(request):
    """Under `make test` (pytest-xdist, --dist loadgroup) tests marked xdist_group(name) are sent
    to one worker as a unit: xdist 3.8 marks them by appending "@name" to their node id and
    schedules by it. pytest 9.2 silently broke that (pytest-dev/pytest-xdist#1386), and every
    gunicorn-backed module then started its servers once per worker."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        pytest.skip("not distributed over workers (PYTEST_WORKERS=0)")
    assert request.config.option.loadgroup  # set by xdist in each worker from --dist
    assert request.node.nodeid.endswith("@grouping-check")
