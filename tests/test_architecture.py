"""The shape of the code: no import cycle, and apps depend on each other one way only.

Read from the source (tests/tooling/import_graph.py), so a test fails with the file and line
of each import to remove. The layers (docs/architecture.md): `leadsite` is the project and its
HTTP infrastructure and imports no app, except where it composes the project (urls, settings,
wsgi); `blog` may import `leads` (articles embed calls to action), never the reverse; `mailings`
(email to captured people) may import both, and neither imports it; `demo`
(demo and benchmark data, dev and test only) may import anything, no product app imports it.
"""

from dataclasses import replace
from pathlib import Path

import pytest

from tests.tooling import import_graph

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["leadsite", "blog", "leads", "mailings", "demo"]
PRODUCT_APPS = ["leadsite", "blog", "leads", "mailings"]
# Where leadsite puts the project together: these may import the apps.
COMPOSITION = ("leadsite.urls", "leadsite.settings", "leadsite.wsgi")


@pytest.fixture(scope="module")
def edges():
    return import_graph.edges(ROOT, [p for p in PACKAGES if (ROOT / p).is_dir()])


def in_package(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def offending(edges, source: str, targets: list[str], *, except_in=()) -> list[str]:
    """Every import (module level or inside a function) from `source` into `targets`."""
    return [
        str(edge)
        for edge in edges
        if in_package(edge.source, source)
        and any(in_package(edge.target, target) for target in targets)
        and not any(in_package(edge.source, allowed) for allowed in except_in)
    ]


def test_no_import_cycle(edges):
    # Imports inside functions do not count: a task may import a service in its body.
    found = import_graph.cycles(edges)
    assert not found, "Import cycles (module-level imports):\n" + "\n".join(
        import_graph.describe(cycle) for cycle in found
    )


def test_no_cycle_hidden_in_a_function_import(edges):
    # One way only: when a task imports a service in its body, no service imports the task
    # (the "never the other way round"), in a function or not.
    found = import_graph.cycles(replace(edge, deferred=False) for edge in edges)
    assert not found, "Modules that import each other (counting imports in functions):\n" + (
        "\n".join(import_graph.describe(cycle) for cycle in found)
    )


def test_leadsite_imports_no_app(edges):
    found = offending(
        edges, "leadsite", ["blog", "leads", "mailings", "demo"], except_in=COMPOSITION
    )
    assert not found, "leadsite imports an app:\n" + "\n".join(found)


def test_leads_and_blog_import_nothing_from_mailings(edges):
    # mailings (email to captured people) builds on both; they work without it.
    found = offending(edges, "leads", ["mailings"]) + offending(edges, "blog", ["mailings"])
    assert not found, "leads or blog imports mailings:\n" + "\n".join(found)


def test_leads_imports_nothing_from_blog(edges):
    found = offending(edges, "leads", ["blog"])
    assert not found, "leads imports blog (only blog may import leads):\n" + "\n".join(found)


@pytest.mark.parametrize("app", PRODUCT_APPS)
def test_no_product_app_imports_demo(edges, app):
    found = offending(edges, app, ["demo"])
    assert not found, f"{app} imports the demo app:\n" + "\n".join(found)


def test_the_graph_sees_every_app(edges):
    # A wrong root or package list would make every check above pass on nothing.
    sources = {edge.source.split(".")[0] for edge in edges}
    assert {"leadsite", "blog", "leads"} <= sources
