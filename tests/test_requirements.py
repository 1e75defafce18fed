"""The requirement files: runtime apart from tests and tooling, every version pinned."""

import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
TOOLING = {"pytest", "pytest-django", "pytest-xdist", "playwright", "moto", "aiosmtpd", "ruff"}
PINNED = re.compile(r"^[A-Za-z0-9._-]+(\[[a-z0-9,]+\])?==[0-9][0-9A-Za-z.]*$")


def requirements(name):
    """The requirement lines of `name`, without comments and blank lines."""
    lines = (line.split("#")[0].strip() for line in (REPO_ROOT / name).read_text().splitlines())
    return [line for line in lines if line]


def project(line):
    return re.split(r"[\[=]", line)[0].lower()


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_every_requirement_is_pinned(name):
    lines = requirements(name)
    assert lines
    assert [line for line in lines if not line.startswith("-r ") and not PINNED.match(line)] == []


def test_a_production_install_gets_no_test_or_tooling_package():
    assert {project(line) for line in requirements("requirements.txt")} & TOOLING == set()


def test_the_dev_requirements_add_the_tooling_to_the_runtime_ones():
    lines = requirements("requirements-dev.txt")
    assert lines[0] == "-r requirements.txt"
    assert {project(line) for line in lines[1:]} >= TOOLING
