"""Reading forecast and observation files (预报、监测数据文件), interfaces.md §1.

One code path for every way a file comes in (an upload, a watched folder, the command line):
:func:`read_file` takes a path or bytes, recognises CSV (UTF-8, UTF-8 with BOM or GBK), XLSX
(first sheet) or JSON (a list of objects), maps English or Chinese headers to the canonical
columns, and validates every row. All problems are collected, each naming the file, the row as a
person counts it and the column; a file with any error yields no rows at all (all or nothing).

Two paths give the same results: :mod:`._fastparse` checks a whole column at a time (the common
case, a few µs per row), and the row-by-row code below (``_Reader._parse_row``) states the rules
and words the messages; the fast path hands it every row that has a problem, and the whole file
whenever it meets something it cannot check exactly.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import pandas as pd

from .areas import CITY, resolve_area

TZ = "Asia/Shanghai"
TIME_DTYPE = f"datetime64[ns, {TZ}]"
MAX_ERRORS = 200

CONCENTRATIONS: tuple[str, ...] = ("pm25", "pm10", "so2", "no2", "o3", "co")
NUMERIC_COLUMNS: tuple[str, ...] = ("aqi", "aqi_low", "aqi_high", *CONCENTRATIONS, "o3_8h")

#: Plausibility ceilings (合理性上限) of the numbers: a value above one is not a measurement or a
#: forecast but a typo or a unit mistake (mg/m³ written as µg/m³ …). HJ 633 stops every IAQI at
#: 500, but some sources extrapolate "beyond the index" (爆表) up to 999, so AQI is refused only
#: above 999. The concentrations' ceilings lie far above anything measured (hourly PM10 in the
#: worst sand-and-dust storms: about 10,000 µg/m³) and above the top of every HJ 633 column, so a
#: real value is never refused.
LIMITS: dict[str, float] = {
    "aqi": 999,
    "aqi_low": 999,
    "aqi_high": 999,
    "pm25": 5_000,
    "pm10": 20_000,
    "so2": 10_000,
    "no2": 10_000,
    "o3": 2_000,
    "o3_8h": 2_000,
    "co": 200,
}

#: Columns of :attr:`ReadResult.frame`, in order.
FRAME_COLUMNS: tuple[str, ...] = (
    "area_code",
    "area_name",
    "time",
    "period",
    "aqi",
    "aqi_low",
    "aqi_high",
    "primary_pollutant",
    *CONCENTRATIONS,
    "o3_8h",
    "dust",
    "kind",
    "issued_at",
    "source",
    "row",
)

#: Canonical file columns and the headers accepted for each (case-insensitive).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "area": ("area", "区域", "地区", "区县", "县区"),
    "time": ("time", "时间", "datetime", "时刻"),
    "date": ("date", "日期"),
    "aqi": ("aqi", "空气质量指数"),
    "aqi_low": ("aqi_low", "aqi下限", "aqi_min"),
    "aqi_high": ("aqi_high", "aqi上限", "aqi_max"),
    "primary_pollutant": ("primary_pollutant", "首要污染物"),
    "pm25": ("pm25", "pm2.5", "pm2_5", "细颗粒物"),
    "pm10": ("pm10", "可吸入颗粒物"),
    "so2": ("so2", "二氧化硫"),
    "no2": ("no2", "二氧化氮"),
    "o3": ("o3", "臭氧"),
    "co": ("co", "一氧化碳"),
    "o3_8h": ("o3_8h", "o3-8h", "o3_8h_mean", "臭氧8小时"),
    "dust": ("dust", "沙尘"),
    "kind": ("kind", "类型", "数据类型"),
    "issued_at": ("issued_at", "发布时间"),
    "source": ("source", "来源"),
}

#: The Chinese name of each canonical column, for messages about a column the file lacks.
CHINESE_NAMES: dict[str, str] = {
    "area": "区域",
    "time": "时间",
    "date": "日期",
    "aqi": "AQI",
    "aqi_low": "AQI下限",
    "aqi_high": "AQI上限",
    "primary_pollutant": "首要污染物",
    "pm25": "PM2.5",
    "pm10": "PM10",
    "so2": "SO2",
    "no2": "NO2",
    "o3": "O3",
    "co": "CO",
    "o3_8h": "O3_8h",
    "dust": "沙尘",
    "kind": "类型",
    "issued_at": "发布时间",
    "source": "来源",
}

_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_UNIT_SUFFIX = re.compile(r"[（(][^（()）]*(?:/|³|μ|µ)[^（()）]*[）)]$")


def _header_key(text: object) -> str:
    key = re.sub(r"\s+", "", str(text)).translate(_SUBSCRIPTS).casefold()
    return _UNIT_SUFFIX.sub("", key)


_HEADER_LOOKUP: dict[str, str] = {
    _header_key(alias): canonical for canonical, aliases in HEADER_ALIASES.items() for alias in aliases
}

POLLUTANT_NAMES: dict[str, str] = {
    "pm2.5": "PM2.5",
    "pm25": "PM2.5",
    "pm2_5": "PM2.5",
    "细颗粒物": "PM2.5",
    "pm10": "PM10",
    "可吸入颗粒物": "PM10",
    "o3": "O3",
    "o3_8h": "O3",
    "o3-8h": "O3",
    "o3_1h": "O3",
    "o3-1h": "O3",
    "o38h": "O3",
    "臭氧": "O3",
    "臭氧8小时": "O3",
    "臭氧1小时": "O3",
    "so2": "SO2",
    "二氧化硫": "SO2",
    "no2": "NO2",
    "二氧化氮": "NO2",
    "co": "CO",
    "一氧化碳": "CO",
}
_POLLUTANT_ORDER = ("PM2.5", "PM10", "O3", "SO2", "NO2", "CO")

_EMPTY_MARKERS = frozenset({"", "-", "—", "--", "——", "na", "n/a", "nan", "null", "none"})
_NO_POLLUTANT = frozenset({"", "-", "—", "--", "——", "/", "无", "none", "null", "nan", "na"})
_TRUE = frozenset({"1", "1.0", "true", "t", "yes", "y", "是", "有", "沙尘"})
_FALSE = frozenset({"0", "0.0", "false", "f", "no", "n", "否", "无"})
_KINDS: dict[str, str] = {
    "forecast": "forecast",
    "预报": "forecast",
    "预测": "forecast",
    "observed": "observed",
    "observation": "observed",
    "实况": "observed",
    "观测": "observed",
    "监测": "observed",
    "实测": "observed",
}

_TIME_RE = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?$",
    re.IGNORECASE,
)


@dataclass
class ImportError_:  # noqa: N801 - the trailing underscore keeps Python's ImportError visible
    """One problem in a file (导入错误): the file, the row as a person counts it and the column
    (``None`` when the problem is the whole file or the whole row)."""

    file: str
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.file}：{self.message}"


@dataclass
class ReadResult:
    """What :func:`read_file` found. ``frame`` is empty whenever ``errors`` is not."""

    frame: pd.DataFrame
    period: Literal["hour", "day"] | None
    errors: list[ImportError_] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    file_sha256: str = ""
    name: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


def empty_frame() -> pd.DataFrame:
    """A frame with the canonical columns and no rows."""
    return _frame_from_records([])


def read_file(source: str | Path | bytes, name: str | None = None, *, keep_duplicates: bool = False) -> ReadResult:
    """Read one forecast or observation file (interfaces.md §1).

    ``source`` is a path, or the file's bytes with ``name`` giving its extension. Nothing is
    raised for a bad file: the problems are in :attr:`ReadResult.errors` and the frame is empty.

    Rows that share area, time, kind and issue time are errors: storing a file (an import) and
    evaluating it need one value per key. ``keep_duplicates`` keeps them, for a calculator that
    takes each row on its own (``compute_aqi``: several stations of one hour are the usual case).
    """
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        name = name or "upload"
    else:
        path = Path(source)
        name = name or path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            return _failed(name, b"", f"无法读取文件：{exc.strerror or exc}")
    reader = _Reader(name, data, keep_duplicates=keep_duplicates)
    return reader.read()


def _failed(name: str, data: bytes, message: str) -> ReadResult:
    return ReadResult(
        frame=empty_frame(),
        period=None,
        errors=[ImportError_(name, None, None, message)],
        file_sha256=hashlib.sha256(data).hexdigest(),
        name=name,
    )


@dataclass
class _Table:
    headers: list[object]
    rows: list[tuple[int, list[object]]]
    json: bool = False


class _FormatError(Exception):
    pass


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        # Text in UTF-8 or GBK never holds a NUL byte; UTF-16 ("Unicode 文本" of Excel) does in
        # every ASCII character, and GB 18030 would otherwise "decode" it into a garbled header.
        raise _FormatError(
            "无法识别的文件编码：文件含有空字节，可能是 UTF-16（Excel 的“Unicode 文本”）或二进制文件"
            "（支持 UTF-8、带 BOM 的 UTF-8 和 GBK）"
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _FormatError("无法识别的文件编码（支持 UTF-8、带 BOM 的 UTF-8 和 GBK）")


def _delimiter(text: str) -> str:
    """A tab when the first line has tabs and no comma, else a comma."""
    end = text.find("\n")
    first_line = text if end < 0 else text[:end]
    return "\t" if "\t" in first_line and "," not in first_line else ","


def _csv_text(data: bytes) -> tuple[str, str]:
    """The decoded text and its delimiter."""
    text = _decode(data)
    return text, _delimiter(text)


def _csv_records(text: str, delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise _FormatError(f"无法解析 CSV：{exc}") from exc


def _table_from_csv(data: bytes) -> _Table:
    records = _csv_records(*_csv_text(data))
    numbered = [(number, list(cells)) for number, cells in enumerate(records, start=1)]
    return _table_from_rows(numbered)


def _table_from_xlsx(data: bytes) -> _Table:
    import openpyxl  # imported here: only spreadsheets need it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise _FormatError(f"无法读取 Excel 文件：{exc}") from exc
    if not workbook.worksheets:
        raise _FormatError("Excel 文件没有工作表")
    sheet = workbook.worksheets[0]
    numbered = [(number, list(cells)) for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)]
    return _table_from_rows(numbered)


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _table_from_rows(numbered: list[tuple[int, list[object]]]) -> _Table:
    non_empty = [(n, cells) for n, cells in numbered if not all(_blank(c) for c in cells)]
    if not non_empty:
        raise _FormatError("文件为空")
    (_, header), *rows = non_empty
    return _Table(headers=list(header), rows=rows)


def _table_from_json(data: bytes) -> _Table:
    text = _decode(data)
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _FormatError(f"无法解析 JSON（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}") from exc
    if isinstance(payload, dict) and isinstance(payload.get("rows"), list):
        payload = payload["rows"]
    if not isinstance(payload, list):
        raise _FormatError("JSON 文件应为对象的列表")
    if payload and not any(isinstance(item, dict) for item in payload):
        raise _FormatError("JSON 文件应为对象的列表：其中没有一个对象（如 {\"time\": …, \"aqi\": …}）")
    headers: list[object] = []
    seen: set[str] = set()
    for item in payload:
        if isinstance(item, dict):
            for key in item:
                if key not in seen:
                    seen.add(key)
                    headers.append(key)
    rows: list[tuple[int, list[object]]] = []
    for number, item in enumerate(payload, start=1):
        if isinstance(item, dict):
            rows.append((number, [item.get(h) for h in headers]))
        else:
            rows.append((number, [_NotAnObject()]))
    return _Table(headers=headers, rows=rows, json=True)


class _NotAnObject:
    """Marks a JSON list element that is not an object."""


def _parse_time_text(text: str) -> pd.Timestamp | None:
    match = _TIME_RE.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, offset = match.groups()
    tzinfo: dt.tzinfo = ZoneInfo(TZ)
    if offset:
        if offset.upper() == "Z":
            tzinfo = dt.UTC
        else:
            sign = -1 if offset[0] == "-" else 1
            digits = offset[1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:] or 0)
            if hours > 23 or minutes > 59:
                return None
            tzinfo = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    try:
        moment = dt.datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=tzinfo,
        )
    except ValueError:
        return None
    return pd.Timestamp(moment).tz_convert(TZ)


def _parse_moment(value: object) -> pd.Timestamp | None:
    """A tz-aware Asia/Shanghai timestamp, or ``None`` when the value is not a time."""
    if isinstance(value, pd.Timestamp | dt.datetime):
        stamp = pd.Timestamp(value)
        return stamp.tz_localize(TZ) if stamp.tzinfo is None else stamp.tz_convert(TZ)
    if isinstance(value, dt.date):
        return pd.Timestamp(value).tz_localize(TZ)
    if isinstance(value, str):
        return _parse_time_text(value)
    return None


def parse_time(value: object) -> pd.Timestamp | None:
    """A time as files give it (ISO 8601 with or without offset, ``YYYY-MM-DD HH:MM``, a
    datetime), as a tz-aware Asia/Shanghai timestamp; ``None`` when it is not a time."""
    return _parse_moment(value)


def _display(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _Reader:
    def __init__(self, name: str, data: bytes, *, fast: bool = True, keep_duplicates: bool = False) -> None:
        self.name = name
        self.data = data
        self.fast = fast
        self.keep_duplicates = keep_duplicates
        self.errors: list[ImportError_] = []
        self.warnings: list[str] = []
        self.json = False
        #: How many errors the file has when ``errors`` lists only the first ones (fast path).
        self.error_total: int | None = None
        #: canonical name → (position, header as written), once the headers are read.
        self.columns: dict[str, tuple[int, str]] = {}
        self.unknown_headers: list[str] = []

    # --- the whole file -----------------------------------------------------------------
    def read(self) -> ReadResult:
        digest = hashlib.sha256(self.data).hexdigest()
        try:
            parsed = self._parse_fast() if self.fast else None
            if parsed is None:
                table = self._table()
                self.json = table.json
                parsed = self._parse(table)
        except _FormatError as exc:
            return _failed(self.name, self.data, str(exc))
        frame, period = parsed
        if not self.errors:  # both paths hand over the same frame only for an otherwise valid file
            self._check_limits(frame)
        errors = self.errors
        total = len(errors) if self.error_total is None else self.error_total
        if total > MAX_ERRORS:
            cut = total - MAX_ERRORS
            errors = [
                *errors[:MAX_ERRORS],
                ImportError_(self.name, None, None, f"错误过多：仅列出前 {MAX_ERRORS} 条，另有 {cut} 条未列出"),
            ]
        if errors:
            frame = empty_frame()
        return ReadResult(
            frame=frame,
            period=period,
            errors=errors,
            warnings=self.warnings,
            file_sha256=digest,
            name=self.name,
        )

    def _parse_fast(self) -> tuple[pd.DataFrame, Literal["hour", "day"] | None] | None:
        """The column-at-a-time path; ``None`` when this file needs the row-by-row one."""
        from . import _fastparse  # imported here: it builds on this module

        try:
            return _fastparse.parse(self)
        except _fastparse.Unsupported:
            self.errors, self.warnings, self.json, self.error_total = [], [], False, None
            return None

    def _format(self) -> Literal["xlsx", "json", "csv"]:
        data = self.data
        if not data.strip():
            raise _FormatError("文件为空")
        suffix = Path(self.name).suffix.lower()
        if data[:4] == b"PK\x03\x04":
            return "xlsx"
        if data[:4] == b"\xd0\xcf\x11\xe0":
            raise _FormatError("不支持旧版 Excel（.xls）格式，请另存为 .xlsx 或 CSV")
        if suffix in {".xlsx", ".xlsm"}:
            raise _FormatError("无法读取 Excel 文件：内容不是 .xlsx 格式")
        if suffix == ".json":
            return "json"
        if suffix in {".csv", ".txt", ".tsv"}:
            return "csv"
        head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if head in {b"[", b"{"}:
            return "json"
        return "csv"

    def _table(self) -> _Table:
        builders = {"xlsx": _table_from_xlsx, "json": _table_from_json, "csv": _table_from_csv}
        return builders[self._format()](self.data)

    # --- messages -----------------------------------------------------------------------
    def _where(self, row: int, column: str | None) -> str:
        unit = "条记录" if self.json else "行"
        field_word = "字段" if self.json else "列"
        if column is None:
            return f"第 {row} {unit}"
        return f"第 {row} {unit}「{column}」{field_word}"

    def _error(self, row: int | None, column: str | None, message: str) -> None:
        if row is None:
            text = message
        else:
            text = f"{self._where(row, column)}：{message}"
        self.errors.append(ImportError_(self.name, row, column, text))

    # --- headers ------------------------------------------------------------------------
    def _columns(self, headers: list[object]) -> dict[str, tuple[int, str]]:
        """canonical name → (position, header as written)."""
        columns: dict[str, tuple[int, str]] = {}
        unknown: list[str] = []
        for position, header in enumerate(headers):
            if _blank(header):
                continue
            written = str(header).strip()
            canonical = _HEADER_LOOKUP.get(_header_key(header))
            if canonical is None:
                unknown.append(written)
            elif canonical in columns:
                first = columns[canonical][1]
                self._error(
                    1 if not self.json else None,
                    written,
                    f"列「{written}」与列「{first}」重复（都表示 {canonical}）",
                )
            else:
                columns[canonical] = (position, written)
        if unknown:
            self.warnings.append("已忽略未知列：" + "、".join(f"「{u}」" for u in unknown))
        self.columns = columns
        self.unknown_headers = unknown
        return columns

    def _check_limits(self, frame: pd.DataFrame) -> None:
        """An error for every number above its plausibility ceiling (:data:`LIMITS`), in row order."""
        found: list[tuple[int, int, str, float]] = []
        total = 0
        for order, (key, limit) in enumerate(LIMITS.items()):
            over = frame[key].gt(limit)
            count = int(over.sum())
            if count:
                total += count
                hits = frame.loc[over, ["row", key]].head(MAX_ERRORS + 1)
                found += [(int(row), order, key, float(value)) for row, value in hits.itertuples(index=False)]
        if not total:
            return
        for row, _, key, value in sorted(found)[: MAX_ERRORS + 1]:
            header = self.columns[key][1] if key in self.columns else CHINESE_NAMES[key]
            self._error(row, header, _limit_message(key, value))
        if total > len(self.errors):
            self.error_total = total

    def _header_columns(self, headers: list[object], has_rows: bool) -> dict[str, tuple[int, str]] | None:
        """The columns, or ``None`` when the headers (or the absence of rows) are errors already."""
        columns = self._columns(headers)
        if "time" not in columns and "date" not in columns:
            message = "缺少「时间」（time）或「日期」（date）列"
            if self.unknown_headers:
                # A misspelt header, or a file in another encoding (Shift-JIS, Big5 …) whose headers
                # GB 18030 turned into other characters: say which headers were not recognised.
                shown = "、".join(f"「{u}」" for u in self.unknown_headers[:10])
                message += f"（未识别的列：{shown}；列名拼写有误，或文件编码不是 UTF-8/GBK 时会这样）"
            self._error(None, None, message)
        if not has_rows:
            self._error(None, None, "文件没有数据行")
        return None if self.errors else columns

    def _not_object_error(self, number: int) -> None:
        self._error(number, None, '不是一个对象（应为 {"列名": 值, …}）')

    def _mixed_period_error(self, number: int, row_period: str, period: str, period_row: int) -> None:
        here = "日数据（「日期」）" if row_period == "day" else "小时数据（「时间」）"
        there = "小时数据" if period == "hour" else "日数据"
        self._error(
            number,
            None,
            f"本行为{here}，而第 {period_row} {'条记录' if self.json else '行'}起为"
            f"{there}：一个文件只能包含小时数据或日数据之一",
        )

    def _duplicate_column(self, columns: dict[str, tuple[int, str]]) -> str | None:
        time_key = "time" if "time" in columns else "date"
        return columns[time_key][1] if time_key in columns else None

    def _duplicate_error(self, row: int, first: int, column: str | None) -> None:
        self._error(
            row,
            column,
            f"与第 {first} {'条记录' if self.json else '行'}重复（区域、时间、类型、发布时间均相同）",
        )

    # --- rows ---------------------------------------------------------------------------
    def _parse(self, table: _Table) -> tuple[pd.DataFrame, Literal["hour", "day"] | None]:
        columns = self._header_columns(table.headers, bool(table.rows))
        if columns is None:
            return empty_frame(), None

        records: list[dict[str, Any]] = []
        period: Literal["hour", "day"] | None = None
        period_row = 0
        for number, cells in table.rows:
            if cells and isinstance(cells[0], _NotAnObject):
                self._not_object_error(number)
                continue
            if all(_blank(c) for c in cells):
                continue
            record = self._parse_row(number, cells, columns)
            if record is None:
                continue
            if period is None:
                period, period_row = record["period"], number
            elif record["period"] != period:
                self._mixed_period_error(number, record["period"], period, period_row)
                continue
            records.append(record)

        if not records and not self.errors:
            self._error(None, None, "文件没有数据行")
        frame = _frame_from_records(records)
        if not self.keep_duplicates:
            self._check_duplicates(frame, columns)
        return frame, period

    def _cell(self, cells: list[object], columns: dict[str, tuple[int, str]], key: str) -> object:
        spec = columns.get(key)
        if spec is None or spec[0] >= len(cells):
            return None
        value = cells[spec[0]]
        if isinstance(value, str):
            value = value.strip()
        return value

    def _parse_row(
        self, number: int, cells: list[object], columns: dict[str, tuple[int, str]]
    ) -> dict[str, Any] | None:
        errors_before = len(self.errors)

        def header(key: str) -> str:
            return columns[key][1] if key in columns else CHINESE_NAMES[key]

        def cell(key: str) -> object:
            return self._cell(cells, columns, key)

        record: dict[str, Any] = {"row": number}

        # area (区域): name or code; missing → the city
        raw_area = cell("area")
        if _blank(raw_area):
            area = CITY
        else:
            area = resolve_area(raw_area)
            if area is None:
                self._error(number, header("area"), f"未知的区域「{_display(raw_area)}」")
                area = CITY
        record["area_code"], record["area_name"] = area.code, area.name

        # time (时间) or date (日期)
        raw_time, raw_date = cell("time"), cell("date")
        record["time"] = pd.NaT
        record["period"] = None
        if not _blank(raw_time):
            record["period"] = "hour"
            stamp = _parse_moment(raw_time)
            if stamp is None:
                self._error(number, header("time"), f"无法识别的时间「{_display(raw_time)}」")
            elif stamp.minute or stamp.second or stamp.microsecond:
                self._error(
                    number,
                    header("time"),
                    f"时间「{_display(raw_time)}」不是整点：小时数据的时间应为该小时的开始",
                )
            else:
                record["time"] = stamp
        elif not _blank(raw_date):
            record["period"] = "day"
            stamp = _parse_moment(raw_date)
            if stamp is None:
                self._error(number, header("date"), f"无法识别的日期「{_display(raw_date)}」")
            elif stamp != stamp.normalize():
                self._error(number, header("date"), f"日期「{_display(raw_date)}」应为 YYYY-MM-DD")
            else:
                record["time"] = stamp
        else:
            which = "「时间」" if "time" in columns else "「日期」"
            self._error(number, header("time" if "time" in columns else "date"), f"缺少{which}")

        # numbers
        number_errors = False
        for key in NUMERIC_COLUMNS:
            raw = cell(key)
            value, problem = _parse_number(raw)
            if problem:
                number_errors = True
                self._error(number, header(key), problem)
            record[key] = value

        if not number_errors:
            has_value = any(not math.isnan(record[key]) for key in ("aqi", "aqi_high", *CONCENTRATIONS, "o3_8h"))
            if not has_value:
                message = "缺少 AQI、AQI上限或污染物浓度：每行至少需要其中之一"
                if self.unknown_headers:
                    shown = "、".join(f"「{u}」" for u in self.unknown_headers[:10])
                    message += f"（未识别的列：{shown}，列名是否拼写有误？）"
                self._error(number, None, message)
            low, high = record["aqi_low"], record["aqi_high"]
            if not math.isnan(low) and not math.isnan(high) and low > high:
                self._error(
                    number,
                    header("aqi_low"),
                    f"AQI下限 {_display(low)} 大于 AQI上限 {_display(high)}",
                )

        # primary pollutant (首要污染物)
        raw_primary = cell("primary_pollutant")
        primary, problem = _parse_pollutant(raw_primary)
        if problem:
            self._error(number, header("primary_pollutant"), problem)
        record["primary_pollutant"] = primary

        # dust (沙尘)
        raw_dust = cell("dust")
        dust = _parse_flag(raw_dust)
        if dust is None:
            self._error(number, header("dust"), f"无法识别的沙尘标记「{_display(raw_dust)}」（应为 1 或 0）")
            dust = False
        record["dust"] = dust

        # kind (类型)
        raw_kind = cell("kind")
        if _blank(raw_kind):
            record["kind"] = "forecast"
        else:
            kind = _KINDS.get(str(raw_kind).strip().casefold())
            if kind is None:
                self._error(
                    number,
                    header("kind"),
                    f"未知的类型「{_display(raw_kind)}」（应为 forecast/预报 或 observed/实况）",
                )
            record["kind"] = kind or "forecast"

        # issued_at (发布时间)
        raw_issued = cell("issued_at")
        record["issued_at"] = pd.NaT
        if not _blank(raw_issued):
            issued = _parse_moment(raw_issued)
            if issued is None:
                self._error(number, header("issued_at"), f"无法识别的发布时间「{_display(raw_issued)}」")
            else:
                record["issued_at"] = issued

        # source (来源)
        raw_source = cell("source")
        record["source"] = None if _blank(raw_source) else _display(raw_source)

        if len(self.errors) > errors_before:
            return None
        return record

    def _check_duplicates(self, frame: pd.DataFrame, columns: dict[str, tuple[int, str]]) -> None:
        if frame.empty:
            return
        keys = ["area_code", "time", "kind", "issued_at"]
        first_row = frame.groupby(keys, dropna=False, sort=False)["row"].transform("first")
        duplicated = frame["row"] != first_row
        column = self._duplicate_column(columns)
        for row, first in zip(frame.loc[duplicated, "row"], first_row[duplicated], strict=True):
            self._duplicate_error(int(row), int(first), column)


def _parse_number(value: object) -> tuple[float, str | None]:
    if value is None:
        return math.nan, None
    if isinstance(value, bool):
        return math.nan, f"不是数值「{value}」"
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if text.casefold() in _EMPTY_MARKERS:
            return math.nan, None
        try:
            number = float(text)
        except ValueError:
            return math.nan, f"不是数值「{text}」"
    else:
        return math.nan, f"不是数值「{_display(value)}」"
    if math.isnan(number):
        return math.nan, None
    if math.isinf(number):
        return math.nan, f"不是有限的数值「{_display(value)}」"
    if number < 0:
        return math.nan, f"不能为负数「{_display(value)}」"
    return number, None


def _limit_message(key: str, value: float) -> str:
    if key in ("aqi", "aqi_low", "aqi_high"):
        return (
            f"{CHINESE_NAMES[key]}「{_display(value)}」不合理（HJ 633 的 AQI 最大为 500，外推也不超过 999）："
            "请检查是否录错"
        )
    unit = "毫克/立方米" if key == "co" else "微克/立方米"
    return (
        f"{CHINESE_NAMES[key]}浓度「{_display(value)}」不合理（上限 {LIMITS[key]:,.0f} {unit}）："
        "请检查是否录错或单位有误"
    )


def _parse_pollutant(value: object) -> tuple[str | None, str | None]:
    if _blank(value):
        return None, None
    text = str(value).strip().translate(_SUBSCRIPTS)
    if text.casefold() in _NO_POLLUTANT:
        return None, None
    names: list[str] = []
    for part in re.split(r"[,，、;；/+\s]+", text):
        if not part:
            continue
        canonical = POLLUTANT_NAMES.get(part.casefold())
        if canonical is None:
            return None, f"未知的污染物「{part}」（应为 PM2.5、PM10、O3、SO2、NO2 或 CO）"
        if canonical not in names:
            names.append(canonical)
    if not names:
        return None, None
    return ",".join(names), None


def _parse_flag(value: object) -> bool | None:
    if _blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value == 1:
            return True
        if value == 0:
            return False
        return None
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def _frame_from_records(records: Iterable[dict[str, Any]]) -> pd.DataFrame:
    records = list(records)
    frame = pd.DataFrame.from_records(records, columns=list(FRAME_COLUMNS))
    return normalise_frame(frame)


def normalise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The canonical dtypes for a frame with :data:`FRAME_COLUMNS` (missing ones are added)."""
    frame = frame.copy()
    for column in FRAME_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    out = pd.DataFrame(index=frame.index)
    for column in ("area_code", "area_name", "period"):
        out[column] = frame[column].astype("str") if len(frame) else pd.Series(dtype="str")
    out.insert(2, "time", _as_time(frame["time"]))
    for column in NUMERIC_COLUMNS:
        out[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    out["primary_pollutant"] = pd.Series(
        [None if _blank(v) else str(v) for v in frame["primary_pollutant"]],
        index=frame.index,
        dtype="str",
    )
    out["dust"] = frame["dust"].fillna(False).astype(bool)
    out["kind"] = frame["kind"].fillna("forecast").astype("str") if len(frame) else pd.Series(dtype="str")
    out["issued_at"] = _as_time(frame["issued_at"])
    out["source"] = pd.Series([None if _blank(v) else str(v) for v in frame["source"]], index=frame.index, dtype="str")
    out["row"] = pd.to_numeric(frame["row"], errors="coerce").fillna(0).astype("int64")
    return out[list(FRAME_COLUMNS)].reset_index(drop=True)


def _as_time(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(pd.Series(list(values), index=values.index, dtype=object), utc=True)
    return stamps.dt.tz_convert(TZ).astype(TIME_DTYPE)
