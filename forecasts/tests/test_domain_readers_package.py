"""The readers package (forecasts/domain/readers/): the row path and the column path both build on
the shared cell rules and file formats, and never on each other (issue 12, item 3)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from forecasts.domain import readers

PACKAGE = readers.__name__
FOLDER = Path(readers.__file__).parent

#: Each module and the package modules it may import; anything else (another module, or the
#: package's __init__, which imports them all) is a cycle waiting to happen.
ALLOWED = {
    "cells": set(),
    "files": {"cells"},
    "rows": {"cells", "files"},
    "columns": {"cells", "files"},
    "read": {"cells", "files", "rows", "columns"},
}


def package_imports(source: str) -> set[str]:
    """The package modules a module's source imports, at any depth of its code (a function-local
    import counts too); ``__init__`` for an import of the package itself."""
    found: set[str] = set()

    def add(dotted: str, names: list[str]) -> None:
        if dotted == PACKAGE:
            found.update(name if (FOLDER / f"{name}.py").exists() else "__init__" for name in names)
        elif dotted.startswith(PACKAGE + "."):
            found.add(dotted[len(PACKAGE) + 1 :].split(".")[0])

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, ["__init__"])
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative to forecasts.domain.readers.<module>
                base = PACKAGE.rsplit(".", node.level - 1)[0] if node.level > 1 else PACKAGE
                dotted = ".".join(part for part in (base, node.module) if part)
            else:
                dotted = node.module or ""
            add(dotted, [alias.name for alias in node.names])
    return found


def test_the_import_check_sees_every_way_of_importing_a_sibling():
    assert package_imports("from .columns import parse") == {"columns"}
    assert package_imports("from . import rows, cells") == {"rows", "cells"}
    assert package_imports("def f():\n    from . import columns\n") == {"columns"}
    assert package_imports("import forecasts.domain.readers.rows") == {"rows"}
    assert package_imports("from forecasts.domain.readers import columns") == {"columns"}
    assert package_imports("from forecasts.domain.readers import read_file") == {"__init__"}
    assert package_imports("from ..readers.rows import _RowReader") == {"rows"}
    assert package_imports("from ..areas import AREAS\nimport pandas") == set()


def test_every_module_of_the_package_is_declared():
    assert {path.stem for path in FOLDER.glob("*.py")} - {"__init__"} == set(ALLOWED)


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_each_module_imports_only_the_modules_below_it(module):
    imported = package_imports((FOLDER / f"{module}.py").read_text(encoding="utf-8"))
    assert imported <= ALLOWED[module], f"{module}.py imports {sorted(imported - ALLOWED[module])}"


@pytest.mark.parametrize(("module", "other"), [("rows", "columns"), ("columns", "rows")])
def test_the_row_path_and_the_column_path_do_not_import_each_other(module, other):
    assert other not in package_imports((FOLDER / f"{module}.py").read_text(encoding="utf-8"))


def test_the_package_keeps_the_names_other_modules_import():
    for name in (
        "TZ",
        "ReadResult",
        "CONCENTRATIONS",
        "normalise_frame",
        "read_file",
        "parse_time",
        "ImportError_",
        "FRAME_COLUMNS",
        "MAX_ERRORS",
        "empty_frame",
    ):
        assert name in readers.__all__ and hasattr(readers, name)
