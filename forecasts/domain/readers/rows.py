"""The row path of the reader (逐行读取): every rule of interfaces.md §1 stated for one row at a
time, and the words of every message about a row. It is the specification the column path
(:mod:`.columns`) keeps to; that path hands it each row it finds a problem in, and a whole file
it cannot check exactly."""

from __future__ import annotations

import math
from typing import Any, Literal

import pandas as pd

from ..areas import CITY, resolve_area
from .cells import (
    _KINDS,
    CHINESE_NAMES,
    CONCENTRATIONS,
    NUMERIC_COLUMNS,
    _blank,
    _display,
    _Findings,
    _frame_from_records,
    _parse_flag,
    _parse_moment,
    _parse_number,
    _parse_pollutant,
    empty_frame,
)
from .files import _NotAnObject, _Table


class _RowReader(_Findings):
    """Reads a file's table row by row: :meth:`_parse_row` states the rules of one row."""

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
