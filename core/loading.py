"""Loading the plan's data files (预案数据: command structure, §5.3 measures, 附件11): what a load
created, updated, left alone and deleted, and the one upsert the loaders share. A load creates
what the database lacks and, only when asked to ``update``, rewrites rows that differ from the
file; a second run creates nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models

from .errors import DomainError


@dataclass
class LoadReport:
    """Rows by kind (``unit``, ``industry_measure``, …) and outcome."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, outcome: str, n: int = 1) -> None:
        bucket = getattr(self, outcome)
        bucket[kind] = bucket.get(kind, 0) + n

    def add(self, other: LoadReport) -> None:
        """Count another load's rows in this one (the plan's load includes the measures' load)."""
        for outcome in ("created", "updated", "unchanged", "deleted"):
            for kind, n in getattr(other, outcome).items():
                self.count(kind, outcome, n)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    @property
    def total_updated(self) -> int:
        """Rows the load changed: rewritten or deleted."""
        return sum(self.updated.values()) + sum(self.deleted.values())


def read_json(path: Path, *, error: type[DomainError], what: str) -> Any:
    """The data file at ``path``; ``error`` (the loader's) when it cannot be read: "无法读取{what} …"."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise error(f"无法读取{what} {path}：{exc}") from exc


def upsert(
    model: type[models.Model], lookup: dict, values: dict, *, update: bool, report: LoadReport, kind: str
) -> tuple[models.Model, bool]:
    """The row of ``lookup`` with ``values``: created if missing; rewritten (only the fields that
    differ) when ``update``; otherwise left as it is. Returns (the row, created)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        report.count(kind, "created")
        return obj, True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed and update:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        report.count(kind, "updated")
    else:
        report.count(kind, "unchanged")
    return obj, False
