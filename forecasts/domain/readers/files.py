"""A file's bytes as a header and rows of cells: CSV (UTF-8, UTF-8 with BOM or GBK), XLSX
(first sheet) or JSON (a list of objects), interfaces.md §1. Shared by both paths of the reader."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .cells import _blank


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
    import openpyxl  # noqa: PLC0415 — only spreadsheets need openpyxl; reading CSV does not import it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise _FormatError(f"无法读取 Excel 文件：{exc}") from exc
    if not workbook.worksheets:
        raise _FormatError("Excel 文件没有工作表")
    sheet = workbook.worksheets[0]
    numbered = [(number, list(cells)) for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)]
    return _table_from_rows(numbered)


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
        raise _FormatError('JSON 文件应为对象的列表：其中没有一个对象（如 {"time": …, "aqi": …}）')
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


def _file_format(name: str, data: bytes) -> Literal["xlsx", "json", "csv"]:
    """What the file is, by its first bytes and then its name's extension."""
    if not data.strip():
        raise _FormatError("文件为空")
    suffix = Path(name).suffix.lower()
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


def _read_table(name: str, data: bytes) -> _Table:
    """The header and rows of a file (as :func:`_file_format` recognises it)."""
    builders = {"xlsx": _table_from_xlsx, "json": _table_from_json, "csv": _table_from_csv}
    return builders[_file_format(name, data)](data)
