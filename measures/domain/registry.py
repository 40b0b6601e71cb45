"""Reading the enterprise list (工业源应急减排清单) from Excel, all or nothing.

:func:`read_registry` takes the .xlsx bytes and the names the database knows (:class:`Lookups`),
finds the header row (the first row, among the first ten, that has 企业名称), maps the Chinese
headers, and validates every row. Every problem names the file, the row as Excel numbers it and
the column; a file with any error yields no rows (the caller stores nothing).

Columns (headers are matched without spaces, with either bracket width, the unit in brackets
optional): 企业名称, 所属县区, 行业, 子类, 绩效等级, 生产线数量, 二氧化硫年排放量(吨),
氮氧化物年排放量(吨), 颗粒物年排放量(吨), 挥发性有机物年排放量(吨), 燃料类型,
是否涉及有毒有害及恶臭气体, 是否季节性生产, 日排放量(千克), 是否单一污染物; optional 责任单位.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from forecasts.domain.readers import ImportError_

from .constants import GRADES
from .matching import normalise, subtype_matches

MAX_ERRORS = 200
HEADER_SEARCH_ROWS = 10

#: Canonical column → (the header as printed in the template, accepted aliases).
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("企业名称", ("企业名称", "企业", "单位名称")),
    "area": ("所属县区", ("所属县区", "县区", "所属区县", "区县", "所在县区")),
    "industry": ("行业", ("行业", "所属行业", "行业类别", "行业名称")),
    "subtype": ("子类", ("子类", "行业子类", "细分行业")),
    "grade": ("绩效等级", ("绩效等级", "绩效分级", "绩效级别")),
    "production_lines": ("生产线数量", ("生产线数量", "生产线", "生产线条数")),
    "so2_t": ("二氧化硫年排放量(吨)", ("二氧化硫年排放量", "二氧化硫", "so2", "so2年排放量")),
    "nox_t": ("氮氧化物年排放量(吨)", ("氮氧化物年排放量", "氮氧化物", "nox", "nox年排放量")),
    "pm_t": ("颗粒物年排放量(吨)", ("颗粒物年排放量", "颗粒物", "pm", "pm年排放量")),
    "vocs_t": ("挥发性有机物年排放量(吨)", ("挥发性有机物年排放量", "挥发性有机物", "vocs", "vocs年排放量")),
    "fuel": ("燃料类型", ("燃料类型", "燃料")),
    "toxic_or_odorous": (
        "是否涉及有毒有害及恶臭气体",
        ("是否涉及有毒有害及恶臭气体", "有毒有害及恶臭气体", "涉及有毒有害及恶臭气体"),
    ),
    "seasonal": ("是否季节性生产", ("是否季节性生产", "季节性生产")),
    "daily_emission_kg": ("日排放量(千克)", ("日排放量", "日排放量千克")),
    "single_pollutant": ("是否单一污染物", ("是否单一污染物", "单一污染物", "污染物组分单一", "是否污染物组分单一")),
    "responsible_unit": ("责任单位", ("责任单位", "监管责任单位", "监管单位")),
}
OPTIONAL_COLUMNS = frozenset({"responsible_unit"})
EMISSIONS = ("so2_t", "nox_t", "pm_t", "vocs_t")
TEMPLATE_HEADERS: tuple[str, ...] = tuple(printed for key, (printed, _) in COLUMNS.items())

_BRACKETED_UNIT = re.compile(r"[（(][^（()）]*[）)]$")


def header_key(text: object) -> str:
    key = re.sub(r"\s+", "", str(text or "")).casefold()
    return _BRACKETED_UNIT.sub("", key)


_HEADER_LOOKUP = {header_key(alias): key for key, (_, aliases) in COLUMNS.items() for alias in aliases}

_BLANK = frozenset({"", "-", "—", "--", "——", "/", "无数据"})
_TRUE = frozenset({"是", "有", "y", "yes", "true", "t", "1", "1.0", "√", "✓"})
_FALSE = frozenset({"否", "无", "n", "no", "false", "f", "0", "0.0", "×", "✗"})
_FUELS_EXACT = {
    "燃煤": "coal",
    "煤": "coal",
    "原煤": "coal",
    "煤炭": "coal",
    "coal": "coal",
    "燃油": "oil",
    "油": "oil",
    "柴油": "oil",
    "重油": "oil",
    "oil": "oil",
    "燃气": "gas",
    "气": "gas",
    "天然气": "gas",
    "煤气": "gas",
    "液化石油气": "gas",
    "液化气": "gas",
    "gas": "gas",
    "电": "electric",
    "电力": "electric",
    "电能": "electric",
    "electric": "electric",
    "无": "none",
    "无燃料": "none",
    "不使用燃料": "none",
    "none": "none",
}
_NO_GRADE = frozenset({"", "无", "未评级", "未分级", "无等级", "none"})


@dataclass(frozen=True)
class Lookups:
    """Names the database knows, keyed by their normalised spelling (see :func:`key`)."""

    areas: dict[str, str]  # key → area code (county-level areas only)
    city_keys: frozenset[str]  # keys that name the whole city (refused)
    industries: dict[str, int]  # key → industry seq
    industry_names: dict[int, str]  # seq → canonical name
    subtypes: dict[int, tuple[str, ...]]  # seq → sub-type labels found in 附件11 (any level)
    grades_present: dict[int, frozenset[str]]  # seq → grades with a measure at some level
    single_measure: frozenset[int]  # seqs of the merged-cell rows 20–22
    units: dict[str, str] = field(default_factory=dict)  # key → member unit slug


def key(text: object) -> str:
    """Normalised spelling for looking names up: no spaces or punctuation, case-folded."""
    return re.sub(r"[\s、，,·．.（）()]", "", str(text or "")).casefold()


def industry_keys(name: str) -> set[str]:
    """Ways a person writes an industry: as printed, without 类/行业 ("其他类行业" → "其他")."""
    base = key(name)
    return {base, base.replace("行业", "").replace("类", ""), base.replace("行业", "")} - {""}


@dataclass(frozen=True)
class EnterpriseRow:
    row: int
    name: str
    area_code: str
    industry_seq: int
    subtype: str
    grade: str
    production_lines: int | None
    so2_t: Decimal
    nox_t: Decimal
    pm_t: Decimal
    vocs_t: Decimal
    fuel: str
    toxic_or_odorous: bool
    seasonal: bool
    daily_emission_kg: Decimal | None
    single_pollutant: bool
    unit_slug: str | None

    def as_values(self) -> dict[str, Any]:
        """Field values of the Enterprise model (foreign keys still as codes)."""
        return {
            "subtype": self.subtype,
            "grade": self.grade,
            "production_lines": self.production_lines,
            "so2_t": self.so2_t,
            "nox_t": self.nox_t,
            "pm_t": self.pm_t,
            "vocs_t": self.vocs_t,
            "fuel": self.fuel,
            "toxic_or_odorous": self.toxic_or_odorous,
            "seasonal": self.seasonal,
            "daily_emission_kg": self.daily_emission_kg,
            "single_pollutant": self.single_pollutant,
        }


@dataclass
class RegistryRead:
    name: str
    rows: list[EnterpriseRow] = field(default_factory=list)
    errors: list[ImportError_] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    file_sha256: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


class _TooMany(Exception):
    pass


class _Reader:
    def __init__(self, name: str, lookups: Lookups) -> None:
        self.name = name
        self.lookups = lookups
        self.errors: list[ImportError_] = []
        self.warnings: list[str] = []

    def error(self, row: int | None, column: str | None, message: str) -> None:
        self.errors.append(ImportError_(self.name, row, column, message))
        if len(self.errors) >= MAX_ERRORS:
            raise _TooMany

    # --- cells ---------------------------------------------------------------------------

    @staticmethod
    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return re.sub(r"\s+", " ", str(value)).strip()

    def decimal(self, row: int, column: str, value: object, *, required: bool, places: int = 6) -> Decimal | None:
        text = self.text(value).replace(",", "").replace("，", "")
        if text in _BLANK:
            return Decimal(0) if required else None
        try:
            number = Decimal(text)
        except InvalidOperation:
            self.error(row, column, f"「{text}」不是数字")
            return None
        if not number.is_finite():
            self.error(row, column, f"「{text}」不是有效数字")
            return None
        if number < 0:
            self.error(row, column, f"不能为负数（{text}）")
            return None
        if number >= Decimal(10) ** (14 - places):
            self.error(row, column, f"数值过大（{text}）")
            return None
        return number.quantize(Decimal(1).scaleb(-places))

    def boolean(self, row: int, column: str, value: object) -> bool:
        text = self.text(value).casefold()
        if text in _TRUE:
            return True
        if text in _FALSE or text in _BLANK:
            return False
        self.error(row, column, f"「{self.text(value)}」应填“是”或“否”")
        return False

    # --- the file ------------------------------------------------------------------------

    def read(self, table: list[tuple[int, list[object]]]) -> list[EnterpriseRow]:
        header_at = next(
            (
                i
                for i, (_, cells) in enumerate(table[:HEADER_SEARCH_ROWS])
                if any(_HEADER_LOOKUP.get(header_key(c)) == "name" for c in cells)
            ),
            None,
        )
        if header_at is None:
            self.error(None, "企业名称", "找不到表头：前 10 行中没有「企业名称」列（请使用应急减排清单模板）")
            return []
        header_row, header = table[header_at]
        positions: dict[str, int] = {}
        unknown = []
        for index, cell in enumerate(header):
            if cell is None or not str(cell).strip():
                continue
            canonical = _HEADER_LOOKUP.get(header_key(cell))
            if canonical is None:
                unknown.append(str(cell).strip())
            elif canonical in positions:
                self.error(header_row, str(cell).strip(), f"列「{str(cell).strip()}」重复")
            else:
                positions[canonical] = index
        for canonical, (printed, _) in COLUMNS.items():
            if canonical not in positions and canonical not in OPTIONAL_COLUMNS:
                self.error(header_row, printed, f"缺少「{printed}」列")
        if unknown:
            self.warnings.append(f"未识别的列已忽略：{'、'.join(unknown)}")
        if self.errors:
            return []
        rows: list[EnterpriseRow] = []
        seen: dict[tuple[str, str], int] = {}
        for number, cells in table[header_at + 1 :]:
            if all(self.text(c) in ("",) for c in cells):
                continue

            def cell(canonical: str, cells: list[object] = cells) -> object:
                index = positions.get(canonical)
                return cells[index] if index is not None and index < len(cells) else None

            parsed = self.row(number, cell)
            if parsed is None:
                continue
            identity = (key(parsed.name), parsed.area_code)
            if identity in seen:
                self.error(number, "企业名称", f"与第 {seen[identity]} 行重复（同一县区同名企业）")
                continue
            seen[identity] = number
            rows.append(parsed)
        if not rows and not self.errors:
            self.error(None, None, "文件中没有企业数据")
        return rows

    def row(self, number: int, cell) -> EnterpriseRow | None:
        before = len(self.errors)
        lk = self.lookups
        name = self.text(cell("name"))
        if not name:
            self.error(number, "企业名称", "企业名称不能为空")
        elif len(name) > 200:
            self.error(number, "企业名称", "企业名称过长（超过 200 字）")

        area_text = self.text(cell("area"))
        area_code = lk.areas.get(key(area_text), "")
        if not area_text:
            self.error(number, "所属县区", "所属县区不能为空")
        elif key(area_text) in lk.city_keys:
            self.error(number, "所属县区", f"「{area_text}」是全市，请填写企业所在的县区或开发区")
        elif not area_code:
            self.error(
                number,
                "所属县区",
                f"未知县区「{area_text}」（可填：城区、矿区、郊区、平定县、盂县、阳泉经济技术开发区）",
            )

        industry_text = self.text(cell("industry"))
        seq = lk.industries.get(key(industry_text))
        if seq is None and industry_text.isdigit():
            seq = int(industry_text) if int(industry_text) in lk.industry_names else None
        if not industry_text:
            self.error(number, "行业", "行业不能为空（不属于附件11前 21 类的填“其他类行业”）")
        elif seq is None:
            self.error(number, "行业", f"未知行业「{industry_text}」，应为附件11的 22 个行业之一")

        subtype = self.text(cell("subtype"))
        if subtype and seq is not None:
            labels = lk.subtypes.get(seq, ())
            if not labels:
                self.warnings.append(
                    f"第 {number} 行：{lk.industry_names[seq]}在附件11中不分子类，子类「{subtype}」仅作记录"
                )
            elif not any(subtype_matches(label, subtype) for label in labels):
                self.error(
                    number,
                    "子类",
                    f"子类「{subtype}」不是{lk.industry_names[seq]}在附件11中的子类（{'；'.join(labels)}）",
                )
            else:
                exact = [label for label in labels if normalise(label) == normalise(subtype)]
                subtype = exact[0] if exact else subtype

        grade_text = self.text(cell("grade"))
        grade = _grade(grade_text)
        if grade is None:
            self.error(
                number,
                "绩效等级",
                f"未知绩效等级「{grade_text}」（应为 A、B、C、D、引领性、非引领性，或留空表示未评级）",
            )
        elif seq is not None and seq not in lk.single_measure:
            if not grade:
                self.warnings.append(f"第 {number} 行：{name} 未评定绩效等级，应急时无法对应附件11措施")
            elif grade not in lk.grades_present.get(seq, frozenset()):
                self.warnings.append(f"第 {number} 行：{lk.industry_names[seq]}在附件11中没有「{grade}」等级，请核实")

        lines_text = self.text(cell("production_lines"))
        lines: int | None = None
        if lines_text not in _BLANK:
            try:
                value = Decimal(lines_text)
                if value != value.to_integral_value() or value < 0:
                    raise InvalidOperation
                lines = int(value)
            except InvalidOperation:
                self.error(number, "生产线数量", f"「{lines_text}」不是非负整数")

        emissions = {}
        for column in EMISSIONS:
            emissions[column] = self.decimal(number, COLUMNS[column][0], cell(column), required=True)

        fuel_text = self.text(cell("fuel"))
        fuel = _fuel(fuel_text)
        if not fuel_text:
            self.error(number, "燃料类型", "燃料类型不能为空（燃煤、燃油、燃气、电或无）")
        elif fuel is None:
            self.error(number, "燃料类型", f"未知燃料类型「{fuel_text}」（应为燃煤、燃油、燃气、电或无）")

        toxic = self.boolean(number, COLUMNS["toxic_or_odorous"][0], cell("toxic_or_odorous"))
        seasonal = self.boolean(number, "是否季节性生产", cell("seasonal"))
        daily = self.decimal(number, "日排放量(千克)", cell("daily_emission_kg"), required=False, places=4)
        single = self.boolean(number, "是否单一污染物", cell("single_pollutant"))
        if seasonal and daily is None and len(self.errors) == before:
            self.warnings.append(f"第 {number} 行：{name} 为季节性生产但未填日排放量，不能按日核算小微企业豁免")

        unit_text = self.text(cell("responsible_unit"))
        unit_slug = None
        if unit_text:
            unit_slug = lk.units.get(key(unit_text))
            if unit_slug is None:
                self.error(number, "责任单位", f"未知成员单位「{unit_text}」")

        if len(self.errors) > before:
            return None
        return EnterpriseRow(
            row=number,
            name=name,
            area_code=area_code,
            industry_seq=seq,
            subtype=subtype,
            grade=grade,
            production_lines=lines,
            so2_t=emissions["so2_t"],
            nox_t=emissions["nox_t"],
            pm_t=emissions["pm_t"],
            vocs_t=emissions["vocs_t"],
            fuel=fuel,
            toxic_or_odorous=toxic,
            seasonal=seasonal,
            daily_emission_kg=daily,
            single_pollutant=single,
            unit_slug=unit_slug,
        )


def _grade(text: str) -> str | None:
    """The grade written in a cell: "" for none, None when unknown."""
    cleaned = re.sub(r"\s+", "", text).replace("级", "").replace("类", "")
    if cleaned.casefold() in _NO_GRADE or cleaned in _BLANK:
        return ""
    upper = cleaned.upper()
    if upper in GRADES:
        return upper
    if cleaned in GRADES:
        return cleaned
    if cleaned in {"引领", "引领型"}:
        return "引领性"
    if cleaned in {"非引领", "非引领型"}:
        return "非引领性"
    return None


def _fuel(text: str) -> str | None:
    cleaned = re.sub(r"\s+", "", text).casefold()
    if not cleaned:
        return None
    if cleaned in _FUELS_EXACT:
        return _FUELS_EXACT[cleaned]
    if "气" in cleaned:
        return "gas"
    if "煤" in cleaned:
        return "coal"
    if "油" in cleaned:
        return "oil"
    if "电" in cleaned:
        return "electric"
    return None


def _table(data: bytes) -> list[tuple[int, list[object]]]:
    import openpyxl  # noqa: PLC0415 — only spreadsheets need openpyxl; reading CSV does not import it

    workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    try:
        if not workbook.worksheets:
            raise ValueError("Excel 文件没有工作表")
        sheet = workbook.worksheets[0]
        return [(number, list(cells)) for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()


def read_registry(data: bytes, name: str, lookups: Lookups) -> RegistryRead:
    """Read and validate an enterprise list (module docstring). Nothing is raised for a bad file."""
    data = bytes(data)
    result = RegistryRead(name=name, file_sha256=hashlib.sha256(data).hexdigest())
    if not name.lower().endswith((".xlsx", ".xlsm")):
        result.errors.append(ImportError_(name, None, None, "只接受 Excel 文件（.xlsx）"))
        return result
    try:
        table = _table(data)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        result.errors.append(ImportError_(name, None, None, f"无法读取 Excel 文件：{exc}"))
        return result
    reader = _Reader(name, lookups)
    try:
        rows = reader.read(table)
    except _TooMany:
        rows = []
        reader.warnings.append(f"错误超过 {MAX_ERRORS} 处，其余未再检查")
    result.errors = reader.errors
    result.warnings = reader.warnings
    result.rows = [] if reader.errors else rows
    return result
