"""The rules on one cell, shared by both paths of the reader (interfaces.md §1).

The header aliases, pollutant names and kinds a file may use; how a number, a time, a pollutant
and a dust flag are read; the plausibility ceilings; the canonical frame; and
:class:`_Findings`, the problems and warnings of one file with the words of every message that
is not about a single cell. The row path (:mod:`.rows`) and the column path (:mod:`.columns`)
both build on this module and on :mod:`.files`, never on each other.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

import pandas as pd

from ..aqi import DISPLAY, POLLUTANTS

TZ = "Asia/Shanghai"
TIME_DTYPE = f"datetime64[ns, {TZ}]"
MAX_ERRORS = 200

CONCENTRATIONS: tuple[str, ...] = POLLUTANTS
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

#: What a row says of the air: the AQI (or its range), the primary pollutant, the concentrations
#: and the dust flag; in the frame and in the stored records alike.
READING_COLUMNS: tuple[str, ...] = ("aqi", "aqi_low", "aqi_high", "primary_pollutant", *CONCENTRATIONS, "o3_8h", "dust")

#: Columns of :attr:`ReadResult.frame`, in order.
FRAME_COLUMNS: tuple[str, ...] = (
    "area_code",
    "area_name",
    "time",
    "period",
    *READING_COLUMNS,
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
    **DISPLAY,
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


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


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


class _Findings:
    """The problems and warnings found in one file (导入错误、提示), worded as a person reads them,
    and the file's header mapping. Both paths record into it; :meth:`_parse_row` is the row
    path's, which the column path hands every row it finds a problem in."""

    def __init__(self, name: str, data: bytes, *, keep_duplicates: bool = False) -> None:
        self.name = name
        self.data = data
        self.keep_duplicates = keep_duplicates
        self.errors: list[ImportError_] = []
        self.warnings: list[str] = []
        self.json = False
        #: How many errors the file has when ``errors`` lists only the first ones (fast path).
        self.error_total: int | None = None
        #: canonical name → (position, header as written), once the headers are read.
        self.columns: dict[str, tuple[int, str]] = {}
        self.unknown_headers: list[str] = []

    def _parse_row(
        self, number: int, cells: list[object], columns: dict[str, tuple[int, str]]
    ) -> dict[str, Any] | None:
        """One data row's record, or ``None`` after its errors are recorded (:mod:`.rows`)."""
        raise NotImplementedError

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
