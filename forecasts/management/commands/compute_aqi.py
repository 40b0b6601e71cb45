"""``python manage.py compute_aqi FILE --period hour|day [--standard auto|2012|2026] [-o OUT.csv]``

Adds the air quality index (空气质量指数) of HJ 633 to every row of a forecast or observation
file (interfaces.md §1 and §2): ``iaqi_*``, ``aqi``, ``primary_pollutant``, ``category``,
``category_name``, ``complete`` and ``standard``. Stores nothing. A bad file prints its errors
(file, row, column, message) on stderr and exits with status 2.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import pandas as pd
from django.core.management.base import BaseCommand, CommandError, CommandParser

from forecasts.domain.aqi import IAQI_COLUMNS, RESULT_COLUMNS, compute_aqi_frame
from forecasts.domain.readers import read_file

# Input columns written back beside the results, when the file gives them.
_VALUE_COLUMNS = ("pm25", "pm10", "so2", "no2", "o3", "co", "o3_8h", "aqi_low", "aqi_high")
_INTEGER_COLUMNS = (*IAQI_COLUMNS, "aqi")


class Command(BaseCommand):
    help = "按 HJ 633 计算文件中每一行的空气质量分指数、AQI、首要污染物和类别，输出 CSV（不入库）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="预报或监测数据文件（CSV、XLSX 或 JSON，见 interfaces.md §1）")
        parser.add_argument(
            "--period",
            required=True,
            choices=("hour", "day"),
            help="hour：实时报（SO2、NO2、CO、O3 用 1 小时限值）；day：日报（24 小时限值，O3 用 o3_8h）",
        )
        parser.add_argument(
            "--standard",
            default="auto",
            choices=("auto", "2012", "2026"),
            help="HJ 633 版本；auto（默认）按每行时间采用当时有效的版本（2026-03-01 起为 2026 版）",
        )
        parser.add_argument("-o", "--output", metavar="OUT.csv", help="输出 CSV 文件（默认写到标准输出）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        # A calculator takes each row on its own: rows of one hour (several stations) are all computed.
        result = read_file(path, keep_duplicates=True)
        for warning in result.warnings:
            self.stderr.write(f"{path.name}：{warning}")
        if result.errors:
            for error in result.errors:
                self.stderr.write(_format_error(error, path.name))
            raise CommandError(f"{path.name}：共 {len(result.errors)} 处错误，未计算 AQI", returncode=2)

        period = options["period"]
        if result.period and result.period != period:
            kind = "小时数据" if result.period == "hour" else "日数据"
            self.stderr.write(f"{path.name}：提示：文件为{kind}，按 --period {period} 计算")

        computed = compute_aqi_frame(result.frame, period, options["standard"])
        table = _output_table(computed, result.period or period)
        text = _to_csv(table)
        if options.get("output"):
            Path(options["output"]).write_text(text, encoding="utf-8", newline="")
        else:
            self.stdout.write(text, ending="")


def _format_error(error: object, name: str) -> str:
    """One line per problem: the file, then the row and column (the message names them too)."""
    if isinstance(error, dict):
        file, row, column, message = (error.get(k) for k in ("file", "row", "column", "message"))
    else:
        file, row, column, message = (getattr(error, k, None) for k in ("file", "row", "column", "message"))
    message = str(message or "")
    where = ""
    if row is not None and f"第 {row} " not in message:
        where += f"第 {row} 行"
    if column and f"「{column}」" not in message:
        where += f"「{column}」列"
    return f"{file or name}：{where + '：' if where else ''}{message}"


def _output_table(computed: pd.DataFrame, file_period: str) -> pd.DataFrame:
    out = pd.DataFrame(index=computed.index)
    out["area"] = computed["area_name"]
    if file_period == "day":
        out["date"] = computed["time"].dt.strftime("%Y-%m-%d")
    else:
        out["time"] = computed["time"].map(lambda t: t.isoformat() if pd.notna(t) else "")
    for column in _VALUE_COLUMNS:
        if computed[column].notna().any():
            out[column] = computed[column]
    if computed["dust"].any():
        out["dust"] = computed["dust"].astype(int)
    out["kind"] = computed["kind"]
    if computed["issued_at"].notna().any():
        out["issued_at"] = computed["issued_at"].map(lambda t: t.isoformat() if pd.notna(t) else "")
    if computed["source"].notna().any():
        out["source"] = computed["source"]
    for column in RESULT_COLUMNS:
        out[column] = computed[column]
    for column in _INTEGER_COLUMNS:
        out[column] = computed[column].astype("Int64")
    return out


def _number(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _to_csv(table: pd.DataFrame) -> str:
    formatted = table.copy()
    for column in formatted.columns:
        if pd.api.types.is_float_dtype(formatted[column].dtype):
            formatted[column] = formatted[column].map(_number).astype(object)
    buffer = io.StringIO()
    formatted.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()
