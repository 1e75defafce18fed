"""The project's import graph, read from the source with `ast` (nothing is imported).

`tests/test_architecture.py` uses it to forbid import cycles and imports across app layers;
`tests/tooling/test_import_graph.py` checks that it finds them. See docs/architecture.md.

An import inside a function (or under `if TYPE_CHECKING:`) runs later, if ever: it is a
dependency, but it cannot close an import cycle, so each edge says whether it is `deferred`.
"""

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Edge:
    source: str  # importing module, e.g. "leads.services"
    target: str  # imported project module, e.g. "leads.tasks"
    path: str  # file of the import statement, relative to the root
    line: int
    deferred: bool  # inside a function or under `if TYPE_CHECKING:`

    def __str__(self):
        when = " (inside a function)" if self.deferred else ""
        return f"{self.path}:{self.line}: {self.source} imports {self.target}{when}"


def modules(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the given top-level packages."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def edges(root: Path, packages: Iterable[str]) -> list[Edge]:
    """Every import of one project module by another, with where it is written."""
    known = modules(root, packages)
    result = {}
    for name, path in known.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node, deferred in _imports(tree.body, deferred=False):
            for target in _targets(node, name, is_package, known):
                if target != name:
                    edge = Edge(
                        name, target, path.relative_to(root).as_posix(), node.lineno, deferred
                    )
                    result[(name, target, node.lineno)] = edge
    return list(result.values())


def _imports(body: list[ast.stmt], *, deferred: bool) -> Iterator[tuple[ast.stmt, bool]]:
    """Import statements in `body`, recursing into blocks; a class body runs at import time,
    a function body does not."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, deferred
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            yield from _imports(node.body, deferred=True)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _imports(node.body, deferred=True)
            yield from _imports(node.orelse, deferred=deferred)
        else:
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                block = getattr(node, field, None)
                if isinstance(block, list):
                    yield from _imports(block, deferred=deferred)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(node, name: str, is_package: bool, known: dict[str, Path]) -> Iterator[str]:
    """The project modules an import statement loads (the longest known prefix of each name;
    for `from X import Y`, X.Y when Y is a submodule)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if module := _longest_known(alias.name, known):
                yield module
        return
    if node.level:  # relative: from the current package, one level up per extra dot
        package = name.split(".") if is_package else name.split(".")[:-1]
        base_parts = package[: len(package) - (node.level - 1)]
        base = ".".join([*base_parts, *([node.module] if node.module else [])])
    else:
        base = node.module or ""
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        if submodule in known:
            yield submodule
        elif module := _longest_known(base, known):
            yield module


def _longest_known(dotted: str, known: dict[str, Path]) -> str | None:
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def cycles(graph_edges: Iterable[Edge]) -> list[list[Edge]]:
    """One import cycle per strongly connected group of modules, through module-level
    imports only, each as the list of edges that closes it (shortest found)."""
    by_source: dict[str, dict[str, Edge]] = {}
    for edge in graph_edges:
        if not edge.deferred:
            by_source.setdefault(edge.source, {}).setdefault(edge.target, edge)
    found = []
    for group in _strongly_connected(by_source):
        if len(group) > 1:
            found.append(_shortest_cycle(min(group), group, by_source))
    return sorted(found, key=lambda cycle: cycle[0].source)


def _strongly_connected(by_source: dict[str, dict[str, Edge]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []
    nodes = set(by_source) | {t for targets in by_source.values() for t in targets}
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(sorted(by_source.get(start, {}))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    groups.append(group)
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(by_source.get(child, {})))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return groups


def _shortest_cycle(start: str, group: set[str], by_source) -> list[Edge]:
    """Breadth-first from `start` back to itself, inside the group."""
    came_from: dict[str, Edge] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target, edge in sorted(by_source.get(node, {}).items()):
            if target not in group:
                continue
            if target == start:
                path = [edge]
                while path[0].source != start:
                    path.insert(0, came_from[path[0].source])
                return path
            if target not in came_from:
                came_from[target] = edge
                queue.append(target)
    raise AssertionError(f"no cycle through {start}")  # a strongly connected group has one


def describe(cycle: list[Edge]) -> str:
    chain = " -> ".join([cycle[0].source, *(edge.target for edge in cycle)])
    lines = "\n".join(f"    {edge}" for edge in cycle)
    return f"  {chain}\n{lines}"
