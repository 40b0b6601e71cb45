"""Writes of the measures app: loading the plan's measures (§5.3, 附件11) and importing the
enterprise list (应急减排清单)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from audit.services import audit_record
from command.errors import PlanDataError
from command.models import Area, MemberUnit
from core.errors import DomainError
from core.loading import LoadReport, read_json, upsert

from .domain.constants import GRADES, LEVELS
from .domain.registry import EnterpriseRow, Lookups, RegistryRead, industry_keys, key, read_registry
from .models import Annex11Note, Enterprise, Industry, IndustryMeasure, ReductionTarget, ResponseMeasure

PLAN_DIR = Path(settings.BASE_DIR) / "fixtures" / "plan"
ANNEX11_FILE = PLAN_DIR / "annex11.json"
MEASURES_FILE = PLAN_DIR / "measures.json"

#: Who supervises an enterprise when the list names no unit (附件2): 市能源局 for 独立煤炭洗选
#: (它负责"煤矿所属煤仓(仓储)独立煤炭洗选行业停、限产等措施的响应落实情况"), otherwise 市工业和
#: 信息化局 ("对应急响应落实情况进行监督检查").
DEFAULT_UNIT_BY_INDUSTRY: dict[int, str] = {21: "nengyuan"}
DEFAULT_UNIT = "gongxin"


class MeasuresDataError(PlanDataError):
    """The plan's measures files are missing a key or name something that does not exist."""

    code = "measures.plan_data.invalid"


def measures_load(
    *,
    update: bool = False,
    annex11_path: Path = ANNEX11_FILE,
    measures_path: Path = MEASURES_FILE,
    actor: Any = None,
) -> LoadReport:
    """Load §5.3 (response measures with their responsible units, reduction targets) and 附件11
    (22 industries × Ⅲ/Ⅱ/Ⅰ × six grades, sub-types, notes) from the plan's data files.

    Like ``command.services.plan_load``: creates what is missing; with ``update`` also rewrites
    rows that differ from the files (and removes 附件11 entries the file no longer has). A second
    run creates nothing. All or nothing: one transaction. Member units must be loaded first."""
    annex = read_json(annex11_path, error=MeasuresDataError, what="预案措施数据文件")
    plan = read_json(measures_path, error=MeasuresDataError, what="预案措施数据文件")
    report = LoadReport()
    try:
        with transaction.atomic():
            _load_annex11(annex, update=update, report=report)
            _load_measures(plan, update=update, report=report)
            if report.total_created or report.total_updated:
                audit_record(
                    actor=actor,
                    action="measures.plan.loaded",
                    data={
                        "files": [str(annex11_path), str(measures_path)],
                        "update": update,
                        "created": report.created,
                        "updated": report.updated,
                        "deleted": report.deleted,
                    },
                )
    except KeyError as exc:
        raise MeasuresDataError(f"预案措施数据文件缺少字段 {exc}") from exc
    return report


def _load_annex11(data: dict, *, update: bool, report: LoadReport) -> None:
    if tuple(data["levels"]) != LEVELS or tuple(data["grades"]) != GRADES:
        raise MeasuresDataError("附件11数据文件的级别或绩效等级与系统不一致")
    for item in data["industries"]:
        industry, _ = upsert(
            Industry,
            {"seq": item["seq"]},
            {
                "name": item["name"],
                "names_by_level": dict(item.get("name_by_level") or {}),
                "single_measure": bool(item.get("single_measure_all_grades")),
            },
            update=update,
            report=report,
            kind="industry",
        )
        existing = {(m.level, m.grade, m.order): m for m in IndustryMeasure.objects.filter(industry=industry)}
        wanted = set()
        for level in LEVELS:
            cells = item["cells"][level]
            for grade in GRADES:
                for order, entry in enumerate(cells[grade]):
                    position = (level, grade, order)
                    wanted.add(position)
                    values = {"subtype": entry.get("subtype") or "", "text": entry["text"]}
                    current = existing.get(position)
                    if current is None:
                        IndustryMeasure.objects.create(
                            industry=industry, level=level, grade=grade, order=order, **values
                        )
                        report.count("industry_measure", "created")
                        continue
                    changed = [name for name, value in values.items() if getattr(current, name) != value]
                    if changed and update:
                        for name in changed:
                            setattr(current, name, values[name])
                        current.save(update_fields=changed)
                        report.count("industry_measure", "updated")
                    else:
                        report.count("industry_measure", "unchanged")
        stale = [m.pk for position, m in existing.items() if position not in wanted]
        if stale and update:
            IndustryMeasure.objects.filter(pk__in=stale).delete()
            report.count("industry_measure", "deleted", len(stale))
    notes_by_level = data.get("notes_by_level") or dict.fromkeys(LEVELS, data["notes"])
    for level in LEVELS:
        for number, text in enumerate(notes_by_level[level], start=1):
            upsert(
                Annex11Note,
                {"level": level, "number": number},
                {"text": text},
                update=update,
                report=report,
                kind="annex11_note",
            )


def _load_measures(data: dict, *, update: bool, report: LoadReport) -> None:
    units = {u.slug: u for u in MemberUnit.objects.all()}

    def resolve(slugs: list[str]) -> list[MemberUnit]:
        missing = [s for s in slugs if s not in units]
        if missing:
            raise MeasuresDataError(f"措施引用了不存在的成员单位 {'、'.join(missing)}（请先载入指挥体系）")
        return [units[s] for s in slugs]

    rows: list[tuple[dict, dict, list[MemberUnit]]] = []
    for level in LEVELS:
        block = data["levels"][level]
        upsert(
            ReductionTarget,
            {"level": level},
            {"percent": int(block["reduction_target_percent"]), "intro": block.get("mandatory_intro", "")},
            update=update,
            report=report,
            kind="reduction_target",
        )
        order = 0
        for section in block["sections"]:
            category = section["category"]
            if category not in ResponseMeasure.Category.values:
                raise MeasuresDataError(f"未知措施类别 {category}")
            for item in section["items"]:
                order += 1
                rows.append(
                    (
                        {"level": level, "order": order},
                        {
                            "category": category,
                            "title": section["title"],
                            "text": item["text"],
                            "audience": item.get("audience", ""),
                        },
                        resolve(item.get("units", [])),
                    )
                )
    ozone = data.get("ozone")
    if ozone:
        rows.append(
            (
                {"level": "", "order": 1},
                {
                    "category": ResponseMeasure.Category.OZONE,
                    "title": ozone["title"],
                    "text": ozone["text"],
                    "audience": ozone.get("audience", "enterprises"),
                },
                resolve(ozone.get("units", [])),
            )
        )
    for lookup, values, targets in rows:
        measure, created = upsert(
            ResponseMeasure, lookup, values, update=update, report=report, kind="response_measure"
        )
        current = set(measure.units.values_list("pk", flat=True))
        wanted = {u.pk for u in targets}
        if current != wanted and (created or update):
            measure.units.set(targets)
            if not created:
                report.count("response_measure_units", "updated")


# --------------------------------------------------------------------------- enterprises


class EnterpriseImportRejected(DomainError):
    """A list refused as a whole (导入被拒绝): nothing was stored. ``errors`` has every problem."""

    code = "measures.import.rejected"

    def __init__(self, result: RegistryRead) -> None:
        self.result = result
        self.errors = list(result.errors)
        super().__init__(self.summary(), data={"errors": self.as_dicts()})

    def summary(self) -> str:
        count = len(self.errors)
        head = f"文件「{self.result.name}」有 {count} 处错误，未导入任何企业"
        shown = "；".join(_where(e) + e.message for e in self.errors[:3])
        more = f"；另有 {count - 3} 处，见错误列表" if count > 3 else ""
        return f"{head}：{shown}{more}。"

    def as_dicts(self) -> list[dict]:
        return [e.as_dict() for e in self.errors]


def _where(error) -> str:
    parts = []
    if error.row is not None:
        parts.append(f"第 {error.row} 行")
    if error.column:
        parts.append(f"「{error.column}」列")
    return " ".join(parts) + "：" if parts else ""


@dataclass
class EnterpriseImportOutcome:
    name: str
    row_count: int
    created: int
    updated: int
    unchanged: int
    warnings: list[str]


def registry_lookups() -> Lookups:
    """What the enterprise list may name, read from the database."""
    areas: dict[str, str] = {}
    city: set[str] = set()
    for area in Area.objects.all():
        names = {key(area.name), key(area.code)}
        short = area.name.removesuffix("县").removesuffix("区") if area.kind != Area.Kind.ZONE else ""
        if short and len(short) >= 2:
            names.add(key(short))
        if area.kind == Area.Kind.ZONE:
            names |= {key("开发区"), key("经济技术开发区"), key("阳泉开发区")}
        if area.kind == Area.Kind.CITY:
            city |= names | {key("阳泉"), key("全市"), key("市本级")}
        else:
            for n in names:
                areas[n] = area.code
    industries: dict[str, int] = {}
    industry_names: dict[int, str] = {}
    single: set[int] = set()
    for industry in Industry.objects.all():
        industry_names[industry.seq] = industry.name
        for name in {industry.name, *industry.names_by_level.values()}:
            for k in industry_keys(name):
                industries.setdefault(k, industry.seq)
        if industry.single_measure:
            single.add(industry.seq)
    subtypes: dict[int, list[str]] = {}
    grades: dict[int, set[str]] = {}
    for seq, subtype, grade in IndustryMeasure.objects.values_list("industry__seq", "subtype", "grade"):
        grades.setdefault(seq, set()).add(grade)
        if subtype and subtype not in subtypes.setdefault(seq, []):
            subtypes[seq].append(subtype)
    units: dict[str, str] = {}
    for unit in MemberUnit.objects.all():
        for name in (unit.slug, unit.name, unit.short_name, unit.alias):
            if name:
                units.setdefault(key(name), unit.slug)
    return Lookups(
        areas=areas,
        city_keys=frozenset(city),
        industries=industries,
        industry_names=industry_names,
        subtypes={seq: tuple(labels) for seq, labels in subtypes.items()},
        grades_present={seq: frozenset(g) for seq, g in grades.items()},
        single_measure=frozenset(single),
        units=units,
    )


def enterprise_preview(*, data: bytes, name: str) -> RegistryRead:
    """Read and validate a list as an import would, writing nothing (the upload preview)."""
    return read_registry(data, name, registry_lookups())


def enterprise_import(*, data: bytes, name: str, actor: Any = None) -> EnterpriseImportOutcome:
    """Import the 应急减排清单, all or nothing: a file with any error raises
    :class:`EnterpriseImportRejected` and stores nothing. Otherwise every row is upserted by
    (企业名称, 所属县区) in one transaction: new enterprises created, changed ones updated,
    identical ones left alone — the same file twice stores nothing new. Enterprises absent from
    the file are kept as they are."""
    result = enterprise_preview(data=data, name=name)
    if not result.ok:
        raise EnterpriseImportRejected(result)
    return enterprise_store(result, actor=actor)


def enterprise_store(result: RegistryRead, *, actor: Any = None) -> EnterpriseImportOutcome:
    """The writing half of :func:`enterprise_import`, for a list read without errors."""
    areas = {a.code: a for a in Area.objects.all()}
    industries = {i.seq: i for i in Industry.objects.all()}
    units = {u.slug: u for u in MemberUnit.objects.all()}
    created = updated = unchanged = 0
    changes: list[dict] = []
    with transaction.atomic():
        existing = {
            (e.name, e.area.code): e
            for e in Enterprise.objects.select_for_update()
            .select_related("area")
            .filter(name__in=[r.name for r in result.rows])
        }
        for row in result.rows:
            values = _enterprise_values(row, industries=industries, units=units)
            current = existing.get((row.name, row.area_code))
            if current is None:
                Enterprise.objects.create(name=row.name, area=areas[row.area_code], **values)
                created += 1
                continue
            changed = [f for f, v in values.items() if getattr(current, f) != v]
            if not changed:
                unchanged += 1
                continue
            before = {f: _jsonable(getattr(current, f)) for f in changed}
            for f in changed:
                setattr(current, f, values[f])
            current.save(update_fields=[*changed, "updated_at"])
            updated += 1
            changes.append(
                {
                    "id": current.pk,
                    "name": current.name,
                    "before": before,
                    "after": {f: _jsonable(values[f]) for f in changed},
                }
            )
        audit_record(
            actor=actor,
            action="measures.enterprises.imported",
            data={
                "file_name": result.name,
                "sha256": result.file_sha256,
                "rows": len(result.rows),
                "created": created,
                "updated": updated,
                "unchanged": unchanged,
                "changes": changes[:200],
            },
        )
    return EnterpriseImportOutcome(result.name, len(result.rows), created, updated, unchanged, list(result.warnings))


def _enterprise_values(row: EnterpriseRow, *, industries: dict, units: dict) -> dict:
    values = row.as_values()
    values["industry"] = industries[row.industry_seq]
    slug = row.unit_slug or DEFAULT_UNIT_BY_INDUSTRY.get(row.industry_seq, DEFAULT_UNIT)
    values["responsible_unit"] = units.get(slug)
    values["active"] = True
    return values


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return str(value)
    return value


def classify_rows(result: RegistryRead) -> dict[str, int]:
    """How many rows of a read list are new, changed or unchanged (for the preview)."""
    if not result.ok:
        return {"created": 0, "updated": 0, "unchanged": 0}
    industries = {i.seq: i for i in Industry.objects.all()}
    units = {u.slug: u for u in MemberUnit.objects.all()}
    existing = {
        (e.name, e.area.code): e
        for e in Enterprise.objects.select_related("area").filter(name__in=[r.name for r in result.rows])
    }
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in result.rows:
        current = existing.get((row.name, row.area_code))
        if current is None:
            counts["created"] += 1
            continue
        values = _enterprise_values(row, industries=industries, units=units)
        counts["updated" if any(getattr(current, f) != v for f, v in values.items()) else "unchanged"] += 1
    return counts
