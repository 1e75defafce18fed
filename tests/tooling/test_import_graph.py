"""The import-graph reader behind tests/test_architecture.py finds what it must, so that the
architecture checks cannot pass on a graph that misses imports."""

import textwrap

from tests.tooling import import_graph


def write(root, files: dict[str, str]):
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))


def test_a_cycle_through_module_level_imports_is_found_with_file_and_line(tmp_path):
    write(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/orders.py": "import os\n\nfrom shop.mail import send\n",
            "shop/mail.py": "from . import templates\n",
            "shop/templates.py": '"""Doc."""\nfrom .orders import Order\n',
            "shop/other.py": "from shop import orders\n",  # into the cycle, not part of it
        },
    )

    found = import_graph.cycles(import_graph.edges(tmp_path, ["shop"]))

    assert [[str(edge) for edge in cycle] for cycle in found] == [
        [
            "shop/mail.py:1: shop.mail imports shop.templates",
            "shop/templates.py:2: shop.templates imports shop.orders",
            "shop/orders.py:3: shop.orders imports shop.mail",
        ]
    ]
    assert "shop.mail -> shop.templates -> shop.orders -> shop.mail" in import_graph.describe(
        found[0]
    )


def test_a_cycle_across_packages_through_a_subpackage_is_found(tmp_path):
    write(
        tmp_path,
        {
            "core/__init__.py": "",
            "core/cache/__init__.py": "from .store import purge\n",
            "core/cache/store.py": "import app.models as models\n",
            "app/__init__.py": "",
            "app/models.py": "class Page:\n    from core.cache import purge\n",
        },
    )

    found = import_graph.cycles(import_graph.edges(tmp_path, ["core", "app"]))

    assert {edge.source for edge in found[0]} == {"app.models", "core.cache", "core.cache.store"}


def test_an_import_inside_a_function_or_for_type_checking_closes_no_cycle(tmp_path):
    write(
        tmp_path,
        {
            "jobs/__init__.py": "",
            "jobs/services.py": """\
                from typing import TYPE_CHECKING

                if TYPE_CHECKING:
                    from jobs.tasks import notify
            """,
            "jobs/tasks.py": """\
                from jobs import services

                def notify():
                    from jobs.services import x
                    from . import services
            """,
        },
    )

    edges = import_graph.edges(tmp_path, ["jobs"])

    assert import_graph.cycles(edges) == []
    deferred = sorted((e.source, e.target, e.line) for e in edges if e.deferred)
    assert deferred == [
        ("jobs.services", "jobs.tasks", 4),
        ("jobs.tasks", "jobs.services", 4),
        ("jobs.tasks", "jobs.services", 5),
    ]


def test_imports_of_other_libraries_and_of_a_module_itself_are_no_edges(tmp_path):
    write(
        tmp_path,
        {
            "one/__init__.py": "from one import a\nimport django.db\nfrom os import path\n",
            "one/a.py": "from one.a import thing\nfrom .. import elsewhere\n",
        },
    )

    edges = import_graph.edges(tmp_path, ["one"])

    assert [(e.source, e.target) for e in edges] == [("one", "one.a")]
