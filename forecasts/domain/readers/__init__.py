"""Reading forecast and observation files (预报、监测数据文件), interfaces.md §1.

One code path for every way a file comes in (an upload, a watched folder, the command line):
:func:`read_file` takes a path or bytes, recognises CSV (UTF-8, UTF-8 with BOM or GBK), XLSX
(first sheet) or JSON (a list of objects), maps English or Chinese headers to the canonical
columns, and validates every row. All problems are collected, each naming the file, the row as a
person counts it and the column; a file with any error yields no rows at all (all or nothing).

The package's modules, each depending only on those above it:

- :mod:`.cells`: the rules on one cell (headers, areas, numbers, times, pollutants, ceilings),
  the canonical frame, and the wording of the messages (``_Findings``);
- :mod:`.files`: a file's bytes as a header and rows of cells;
- :mod:`.rows` and :mod:`.columns`: two paths to the same result, neither importing the other.
  The row path states the rules row by row and words every message about a row; the column path
  checks a whole column at a time (the common case, a few µs per row) and hands the reader's row
  path every row that has a problem;
- :mod:`.read`: :func:`read_file`, which takes the column path and falls back to the row path for
  the whole file whenever the column path meets something it cannot check exactly.

Names with a leading underscore belong to the package: its modules share them, nothing outside
should use them. The names below are the package's interface.
"""

from __future__ import annotations

from .cells import (
    CHINESE_NAMES,
    CONCENTRATIONS,
    FRAME_COLUMNS,
    HEADER_ALIASES,
    LIMITS,
    MAX_ERRORS,
    NUMERIC_COLUMNS,
    POLLUTANT_NAMES,
    READING_COLUMNS,
    TIME_DTYPE,
    TZ,
    ImportError_,
    ReadResult,
    empty_frame,
    normalise_frame,
    parse_time,
)
from .read import read_file

__all__ = [
    "CHINESE_NAMES",
    "CONCENTRATIONS",
    "FRAME_COLUMNS",
    "HEADER_ALIASES",
    "LIMITS",
    "MAX_ERRORS",
    "NUMERIC_COLUMNS",
    "POLLUTANT_NAMES",
    "READING_COLUMNS",
    "TIME_DTYPE",
    "TZ",
    "ImportError_",
    "ReadResult",
    "empty_frame",
    "normalise_frame",
    "parse_time",
    "read_file",
]
