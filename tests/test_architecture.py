"""The structure has no import circle: the module import graph of the project's own code (every app
and the project package; tests and migrations left out), built from the sources with ``ast``,
counting every import — at the top of a module or inside a function, so a function-local import
cannot hide a circle — has no cycle. Imports under ``if TYPE_CHECKING:`` are left out (they are
never executed).

Run it as a report: ``python -m tests.test_architecture`` lists the cycles and the function-local
imports.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_PARTS = {"tests", "migrations", "__pycache__"}


def project_packages() -> list[str]:
    """The apps (a folder with apps.py) and the project package (yangquan_aqi)."""
    apps = sorted(p.parent.name for p in ROOT.glob("*/apps.py"))
    return [*apps, "yangquan_aqi"]


def module_files() -> dict[str, Path]:
    """Dotted module name → file, for the project's non-test, non-migration modules."""
    found: dict[str, Path] = {}
    for package in project_packages():
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if SKIP_PARTS & set(rel.parts):
                continue
            parts = list(rel.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported project module
    line: int
    local: bool  # inside a function or class, not at the module's top level


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool, modules: set[str]):
        self.module, self.is_package, self.modules = module, is_package, modules
        self.depth = 0
        self.found: list[Import] = []
        self.local_imports: list[tuple[int, str]] = []  # every import outside the top level, project or not

    def _scoped(self, node) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = _scoped

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def _add(self, target: str, line: int) -> None:
        while target and target not in self.modules:
            target = target.rpartition(".")[0]
        if target and target != self.module:
            self.found.append(Import(self.module, target, line, self.depth > 0))

    def visit_Import(self, node: ast.Import) -> None:
        if self.depth:
            self.local_imports.append((node.lineno, ", ".join(a.name for a in node.names)))
        for alias in node.names:
            self._add(alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            package = self.module if self.is_package else self.module.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{base}" if base else package
        if self.depth:
            self.local_imports.append(
                (
                    node.lineno,
                    f"from {'.' * node.level}{node.module or ''} import " + ", ".join(a.name for a in node.names),
                )
            )
        for alias in node.names:
            name = f"{base}.{alias.name}"
            self._add(name if name in self.modules else base, node.lineno)


def collect() -> tuple[list[Import], dict[str, list[tuple[int, str]]]]:
    """Every import between project modules, and every function-local import by module."""
    files = module_files()
    modules = set(files)
    imports: list[Import] = []
    local: dict[str, list[tuple[int, str]]] = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        collector = _Collector(module, path.name == "__init__.py", modules)
        collector.visit(tree)
        imports += collector.found
        if collector.local_imports:
            local[module] = collector.local_imports
    return imports, local


def cycles(imports: list[Import]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    graph: dict[str, set[str]] = {}
    for imp in imports:
        graph.setdefault(imp.source, set()).add(imp.target)
        graph.setdefault(imp.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def _describe(component: list[str], imports: list[Import]) -> str:
    members = set(component)
    edges = sorted(
        {(i.source, i.target, i.line, i.local) for i in imports if i.source in members and i.target in members}
    )
    lines = [" ↔ ".join(component)]
    lines += [f"    {s} → {t} (line {n}{', function-local' if local else ''})" for s, t, n, local in edges]
    return "\n".join(lines)


# --------------------------------------------------------------------------- the tests


def test_the_graph_sees_the_project():
    files = module_files()
    assert {"core.outbox", "alerts.services", "forecasts.domain.readers.rows", "yangquan_aqi.settings"} <= set(files)
    assert not [m for m in files if ".tests" in m or ".migrations" in m]
    imports, _ = collect()
    assert any(i.source == "alerts.handlers" and i.target == "core.outbox" for i in imports)


def test_no_import_circle_between_the_projects_modules():
    imports, _ = collect()
    found = cycles(imports)
    assert not found, "import circles:\n" + "\n".join(_describe(c, imports) for c in found)


def test_the_cycle_finder_finds_a_cycle():
    a_b = [
        Import("a", "b", 1, False),
        Import("b", "c", 1, True),
        Import("c", "a", 1, False),
        Import("c", "d", 1, False),
    ]
    assert cycles(a_b) == [["a", "b", "c"]]


if __name__ == "__main__":
    all_imports, local_imports = collect()
    found = cycles(all_imports)
    print(f"{len(found)} import circle(s)")
    for component in found:
        print(_describe(component, all_imports))
    total = sum(len(v) for v in local_imports.values())
    print(f"\n{total} function-local import(s) in {len(local_imports)} module(s)")
    if "-v" in sys.argv:
        for module, entries in sorted(local_imports.items()):
            for line, text in entries:
                print(f"  {module}:{line}: {text}")
