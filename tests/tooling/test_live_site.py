"""The live site's throwaway PostgreSQL database is never another test process's."""

import os

from tests.live_site import throwaway_database_name

SERVER = "postgres://postgres@127.0.0.1:5432/"


def test_throwaway_database_names_differ_per_worker_purpose_and_suite_database(monkeypatch):
    names = set()
    for worker in ("gw0", "gw1"):
        monkeypatch.setenv("PYTEST_XDIST_WORKER", worker)
        for purpose in ("live", "processes"):
            for suite in ("leadsite", "leadsite_xdist"):
                names.add(throwaway_database_name(purpose, SERVER + suite))
    assert len(names) == 8
    assert all(name.endswith(f"_{os.getpid()}") for name in names)


def test_throwaway_database_name_fits_postgresql_and_keeps_its_unique_part(monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw12")
    name = throwaway_database_name("processes", SERVER + "a" * 80)
    assert len(name) == 63
    assert name.endswith(f"_processes_gw12_{os.getpid()}")
