"""Loading the plan's command structure (阳政办发〔2023〕85号 §2, 附件2, 3, 9, 10)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction

from audit.services import audit_record
from core.loading import LoadReport, read_json, upsert
from measures.services import measures_load

from .errors import PlanDataError
from .models import Area, CommandBody, Expert, MemberUnit, Post, WorkingGroup

PLAN_FILE = Path(settings.BASE_DIR) / "fixtures" / "plan" / "command.json"


def _set_m2m(manager, targets: list[models.Model], *, created_or_update: bool) -> bool:
    wanted = {t.pk for t in targets}
    current = set(manager.values_list("pk", flat=True))
    if wanted == current or not created_or_update:
        return False
    manager.set(targets)
    return True


def plan_load(*, path: Path = PLAN_FILE, update: bool = False, actor: Any = None) -> LoadReport:
    """Create what the plan's data file holds and the database lacks; with ``update``, also
    overwrite rows whose fields differ from the file (otherwise edits made in the admin, such as
    a corrected phone number, are kept). Idempotent: a second run creates nothing.
    All or nothing: one transaction."""
    data = read_json(path, error=PlanDataError, what="预案数据文件")
    report = LoadReport()
    try:
        with transaction.atomic():
            _load(data, update=update, report=report)
            _load_measures(update=update, report=report)
            audit_record(
                actor=actor,
                action="command.plan.loaded",
                data={
                    "file": str(path),
                    "update": update,
                    "created": report.created,
                    "updated": report.updated,
                    "deleted": report.deleted,
                },
            )
    except KeyError as exc:
        raise PlanDataError(f"预案数据文件 {path} 缺少字段 {exc}") from exc
    return report


def _load_measures(*, update: bool, report: LoadReport) -> None:
    """The measures of §5.3 and 附件11 (measures app), which name the units just loaded."""
    report.add(measures_load(update=update))


def _load(data: dict, *, update: bool, report: LoadReport) -> None:
    areas = {}
    for order, item in enumerate(data["areas"], start=1):
        areas[item["code"]], _ = upsert(
            Area,
            {"code": item["code"]},
            {"name": item["name"], "kind": item["kind"], "order": order},
            update=update,
            report=report,
            kind="area",
        )
    units = {}
    for order, item in enumerate(data["units"], start=1):
        area_code = item.get("area")
        if area_code and area_code not in areas:
            raise PlanDataError(f"成员单位 {item['name']} 指向不存在的区域 {area_code}")
        units[item["slug"]], _ = upsert(
            MemberUnit,
            {"slug": item["slug"]},
            {
                "name": item["name"],
                "short_name": item.get("short_name") or item["name"],
                "alias": item.get("alias") or "",
                "kind": item["kind"],
                "area": areas.get(area_code) if area_code else None,
                "phones": list(item.get("phones", [])),
                "duties": item.get("duties", ""),
                "order": item.get("order", order),
            },
            update=update,
            report=report,
            kind="unit",
        )

    def unit(slug: str) -> MemberUnit:
        if slug not in units:
            raise PlanDataError(f"工作组引用了不存在的成员单位 {slug}")
        return units[slug]

    hq = data["headquarters"]
    office = data["office"]
    bodies = {
        "headquarters": upsert(
            CommandBody,
            {"slug": "headquarters"},
            {"name": hq["name"], "duties": hq.get("duties", ""), "host_unit": None, "order": 1},
            update=update,
            report=report,
            kind="body",
        )[0],
        "office": upsert(
            CommandBody,
            {"slug": "office"},
            {
                "name": office["name"],
                "duties": office.get("duties", ""),
                "host_unit": unit(office["host_unit"]),
                "order": 2,
            },
            update=update,
            report=report,
            kind="body",
        )[0],
    }
    posts = [
        ("commander", "headquarters", hq["commander"]["title"], hq["commander"]["holder"]),
        ("vice_commander", "headquarters", hq["vice_commander"]["title"], hq["vice_commander"]["holder"]),
        ("office_director", "office", "办公室主任", office["director"]),
        ("office_deputy_director", "office", "办公室副主任", office["deputy_director"]),
    ]
    for order, (slug, body, title, holder) in enumerate(posts, start=1):
        upsert(
            Post,
            {"slug": slug},
            {"body": bodies[body], "title": title, "holder": holder, "order": order},
            update=update,
            report=report,
            kind="post",
        )

    for order, item in enumerate(data["groups"], start=1):
        group, fresh = upsert(
            WorkingGroup,
            {"slug": item["slug"]},
            {
                "name": item["name"],
                "lead_text": item.get("lead_text", ""),
                "members_text": item.get("members_text", ""),
                "duties": item.get("duties", ""),
                "order": item.get("order", order),
            },
            update=update,
            report=report,
            kind="group",
        )
        leads = [unit(s) for s in item.get("lead_units", []) if s in units or _is_slug(s)]
        members = [unit(s) for s in item.get("member_units", [])]
        changed = _set_m2m(group.lead_units, leads, created_or_update=fresh or update)
        changed = _set_m2m(group.member_units, members, created_or_update=fresh or update) or changed
        if changed and not fresh:
            report.count("group_members", "updated")

    for item in data["experts"]:
        upsert(
            Expert,
            {"seq": item["seq"]},
            {"name": item["name"], "organisation": item["organisation"], "title": item.get("title", "")},
            update=update,
            report=report,
            kind="expert",
        )


def _is_slug(text: str) -> bool:
    return text.isascii() and text.replace("-", "").replace("_", "").isalnum()
