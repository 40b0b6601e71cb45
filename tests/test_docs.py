"""The documents the code cites are reachable from the repository's docs: every relative link of
README.md and docs/README.md names a file that exists (the shared specifications beside the
repository included)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\[[^\]]*\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("document", ["README.md", "docs/README.md"])
def test_relative_links_name_files_that_exist(document):
    path = REPO / document
    targets = [t for t in LINK.findall(path.read_text(encoding="utf-8")) if "://" not in t]
    assert targets, document
    missing = [t for t in targets if not (path.parent / t).exists()]
    assert not missing, missing


def test_the_docs_index_names_the_specs_the_code_cites():
    index = (REPO / "docs" / "README.md").read_text(encoding="utf-8")
    for name in (
        "architecture.md",
        "evaluation.md",
        "spec/interfaces.md",
        "spec/warning-rules.md",
        "spec/hj633.md",
        "STYLE.md",
    ):
        assert name in index, name
    assert "(docs/README.md)" in (REPO / "README.md").read_text(encoding="utf-8")
