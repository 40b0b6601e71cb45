"""Reading one file: the column path (:mod:`.columns`) when it can check the file exactly,
otherwise the row path (:mod:`.rows`); then the plausibility ceilings and the cap on errors."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

import pandas as pd

from . import columns
from .cells import MAX_ERRORS, ImportError_, ReadResult, empty_frame
from .files import _FormatError, _read_table
from .rows import _RowReader


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


class _Reader(_RowReader):
    def __init__(self, name: str, data: bytes, *, fast: bool = True, keep_duplicates: bool = False) -> None:
        super().__init__(name, data, keep_duplicates=keep_duplicates)
        self.fast = fast

    # --- the whole file -----------------------------------------------------------------
    def read(self) -> ReadResult:
        digest = hashlib.sha256(self.data).hexdigest()
        try:
            parsed = self._parse_fast() if self.fast else None
            if parsed is None:
                table = _read_table(self.name, self.data)
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
        try:
            return columns.parse(self)
        except columns.Unsupported:
            self.errors, self.warnings, self.json, self.error_total = [], [], False, None
            return None
