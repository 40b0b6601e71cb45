"""The column path (the fast path) of :func:`forecasts.domain.readers.read_file`: the same rules,
a column at a time.

The row path (:mod:`.rows`) calls one small function of :mod:`.cells` per cell
(``resolve_area``, ``_parse_moment``, ``_parse_number`` …). Each depends on the cell alone, so
here it runs once per *distinct* value of a column (200,000 hourly rows hold 7 areas, about
29,000 times and a few thousand distinct concentrations) and numpy spreads the results back
over the rows. Times in the usual fixed layouts (``YYYY-MM-DD HH:MM``, ISO 8601 with or without
an offset, ``YYYY-MM-DD``) are read by numpy arithmetic; any other value by ``_parse_moment``
itself. The checks that span a row, the file's period and the duplicates are boolean masks.

Errors stay word for word those of the row-by-row reader: every row that the masks find a
problem in is handed to the reader's ``_parse_row`` (the row path's, which this module does not
import: it is a method of the reader it is given), in row order, until the error list is full
(``MAX_ERRORS``); how many more there are comes from the masks. CSV text without quotes is split
by pandas' C parser (which then agrees with the csv module record for record); quoted CSV goes
through the csv module as before. Whatever this module cannot check exactly raises
:class:`Unsupported`, and the reader takes the row-by-row path for the whole file.
"""

from __future__ import annotations

import codecs
import io
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from ..areas import AREAS, resolve_area
from . import cells as C  # (``cells`` is a local name below: a column's cells)
from . import files

#: Tests set this: a disagreement between the masks and the row-by-row messages then raises
#: instead of quietly taking the row-by-row path.
STRICT = False

_NS = 1_000_000_000
_NS_HOUR = 3600 * _NS
_NS_DAY = 24 * _NS_HOUR
#: Asia/Shanghai has been UTC+8 without daylight saving since September 1991; numpy reads only
#: these years, any other goes through ``_parse_moment`` (and so ``zoneinfo``).
_LOCAL_OFFSET = 8 * _NS_HOUR
_FIRST_YEAR, _LAST_YEAR = 1992, 2200
_NAT = np.iinfo(np.int64).min

_AREA_INDEX = {area.code: position for position, area in enumerate(AREAS)}
_AREA_CODES = np.array([area.code for area in AREAS], dtype=object)
_AREA_NAMES = np.array([area.name for area in AREAS], dtype=object)
_KINDS = ("forecast", "observed")
_KIND_NAMES = np.array(_KINDS, dtype=object)

#: The values of the stated value check (each row needs one): all numbers but ``aqi_low``.
_VALUE_COLUMNS = ("aqi", "aqi_high", *C.CONCENTRATIONS, "o3_8h")


class Unsupported(Exception):
    """The file takes the row-by-row path."""


# --------------------------------------------------------------------------- columns


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _objects(values: list[object]) -> np.ndarray:
    """A 1-d object array of ``values`` (lists and dicts stay single cells)."""
    return np.fromiter(values, dtype=object, count=len(values))


class _Column:
    """One column's cells for the data rows, and each row's index into its distinct values
    (stripped as ``_RowReader._cell`` strips them). ``codes`` is ``None`` when every cell counts as
    distinct; code -1 (a missing cell) is the last distinct value, ``None``."""

    __slots__ = ("codes", "distinct", "values")

    def __init__(self, values: np.ndarray | None, codes: np.ndarray | None, distinct: list[object]) -> None:
        self.values = values
        self.codes = codes
        self.distinct = distinct

    @classmethod
    def of(cls, values: np.ndarray) -> _Column:
        if infer_dtype(values, skipna=True) in ("string", "empty"):
            codes, uniques = pd.factorize(values)
            return cls(values, codes, [*(u.strip() for u in uniques.tolist()), None])
        # Spreadsheet and JSON cells: distinct by type and value (1, 1.0 and True stay apart).
        # Floats are left one by one: NaN is never equal to itself and -0.0 equals 0.0.
        index: dict[tuple[type, object], int] = {}
        codes = np.empty(len(values), dtype=np.intp)
        try:
            for position, value in enumerate(values.tolist()):
                if type(value) is float:
                    raise TypeError
                codes[position] = index.setdefault((type(value), value), len(index))
        except TypeError:  # a float, or a value that cannot be a key (a JSON list or object)
            return cls(values, None, [_strip(v) for v in values.tolist()])
        return cls(values, codes, [_strip(value) for _, value in index])

    @classmethod
    def missing(cls, count: int) -> _Column:
        """A column the file does not have: ``None`` in every row."""
        return cls(None, np.zeros(count, dtype=np.intp), [None])

    def rows(self, per_value: np.ndarray) -> np.ndarray:
        """Spread a result per distinct value over the rows."""
        return per_value if self.codes is None else per_value[self.codes]

    def take(self, rows: np.ndarray) -> _Column:
        """The cells of some rows; only their distinct values are kept."""
        if self.values is None:  # a column the file lacks
            return _Column.missing(len(rows))
        if self.codes is None:
            return _Column(self.values[rows], None, [self.distinct[row] for row in rows])
        codes = self.codes[rows]
        used = np.zeros(len(self.distinct), dtype=bool)
        used[codes] = True  # code -1 marks the last, None
        if used.all():
            return _Column(self.values[rows], codes, self.distinct)
        kept = np.flatnonzero(used)
        renumber = np.zeros(len(self.distinct), dtype=np.intp)
        renumber[kept] = np.arange(len(kept))
        return _Column(self.values[rows], renumber[codes], [self.distinct[i] for i in kept])


@dataclass
class _Grid:
    """A file's data rows column by column, as ``_Table`` holds them row by row."""

    headers: list[object]
    numbers: np.ndarray  # each row as a person counts it
    columns: list[_Column]  # every position of the widest row
    json: bool = False
    not_object: np.ndarray | None = None  # JSON list elements that are not objects
    blank_rows_kept: bool = False  # JSON keeps empty objects: the row loop skips them

    def cells(self, row: int) -> list[object]:
        return [None if column.values is None else column.values[row] for column in self.columns]


def _blank(distinct: list[object]) -> np.ndarray:
    return np.fromiter((C._blank(value) for value in distinct), dtype=bool, count=len(distinct))


def _grid(reader: C._Findings) -> _Grid:
    kind = files._file_format(reader.name, reader.data)
    if kind == "csv":
        return _grid_from_csv(reader.data)
    if kind == "json":
        return _grid_from_table(files._table_from_json(reader.data))
    return _grid_from_table(files._table_from_xlsx(reader.data))


def _split_plain_csv(utf8: bytes, delimiter: str) -> list[np.ndarray] | None:
    """The records column by column through pandas' C parser, for text (UTF-8, without BOM) in
    which it cannot disagree with the csv module: no quotes, no NUL, no lone carriage return, no
    second BOM. ``None`` otherwise. (In UTF-8 these ASCII bytes never occur inside a character.)"""
    if b'"' in utf8 or b"\x00" in utf8 or utf8.startswith(codecs.BOM_UTF8):
        return None
    if b"\r" in utf8 and utf8.count(b"\r") != utf8.count(b"\r\n"):
        return None
    lines = utf8.count(b"\n") + (0 if utf8.endswith(b"\n") else 1)
    try:
        frame = pd.read_csv(
            io.BytesIO(utf8),
            encoding="utf-8",
            sep=delimiter,
            header=None,
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except ValueError:  # ragged beyond the first line, or nothing to parse: the csv module decides
        return None
    if len(frame) != lines:
        return None
    return [frame[column].to_numpy(dtype=object) for column in frame.columns]


def _split_records(records: list[list[str]]) -> list[np.ndarray]:
    width = max(map(len, records), default=0)
    if width == 0:
        raise files._FormatError("文件为空")
    if any(len(record) != width for record in records):
        records = [record + [None] * (width - len(record)) for record in records]
    grid = np.array(records, dtype=object)
    return [grid[:, position] for position in range(width)]


def _grid_from_csv(data: bytes) -> _Grid:
    text, delimiter = files._csv_text(data)  # every rule on encodings and delimiters stays there
    # pandas reads UTF-8 bytes 2-3× faster than text; the fields come back the same strings
    split = _split_plain_csv(text.encode("utf-8"), delimiter)
    if split is None:
        split = _split_records(files._csv_records(text, delimiter))
    columns = [_Column.of(values) for values in split]
    blank = np.ones(len(split[0]), dtype=bool)
    for column in columns:
        blank &= column.rows(_blank(column.distinct))
        if not blank.any():  # usually after the first column
            break
    filled = np.flatnonzero(~blank)
    if not len(filled):
        raise files._FormatError("文件为空")
    header, rows = filled[0], filled[1:]
    return _Grid(
        headers=[values[header] for values in split],
        numbers=rows + 1,
        columns=[column.take(rows) for column in columns],
    )


def _grid_from_table(table: files._Table) -> _Grid:
    rows = table.rows
    count = len(rows)
    width = max(len(table.headers), max((len(cells) for _, cells in rows), default=0))
    not_object = np.fromiter(
        (bool(cells) and isinstance(cells[0], files._NotAnObject) for _, cells in rows), dtype=bool, count=count
    )
    columns = []
    for position in range(width):
        values = np.fromiter(
            (cells[position] if position < len(cells) else None for _, cells in rows), dtype=object, count=count
        )
        if position == 0 and not_object.any():
            values[not_object] = None
        columns.append(_Column.of(values))
    return _Grid(
        headers=list(table.headers),
        numbers=np.fromiter((number for number, _ in rows), dtype=np.int64, count=count),
        columns=columns,
        json=table.json,
        not_object=not_object if table.json else None,
        blank_rows_kept=table.json,
    )


# --------------------------------------------------------------------------- values


def _areas(distinct: list[object]) -> tuple[np.ndarray, np.ndarray]:
    """Index into AREAS (a blank cell is the city) and whether the cell is an unknown area."""
    index = np.zeros(len(distinct), dtype=np.int8)
    bad = np.zeros(len(distinct), dtype=bool)
    for position, value in enumerate(distinct):
        if C._blank(value):
            continue
        area = resolve_area(value)
        if area is None:
            bad[position] = True
        else:
            index[position] = _AREA_INDEX[area.code]
    return index, bad


def _numbers(distinct: list[object]) -> tuple[np.ndarray, np.ndarray]:
    """``_parse_number`` of each value: the number (NaN when missing or wrong) and whether wrong."""
    count = len(distinct)
    values = np.full(count, np.nan)
    bad = np.zeros(count, dtype=bool)
    cells = _objects(distinct)
    kind = infer_dtype(cells, skipna=True)
    if kind in ("string", "empty"):
        given = np.fromiter(
            (v is not None and v.casefold() not in C._EMPTY_MARKERS for v in distinct), dtype=bool, count=count
        )
    elif kind in ("integer", "floating", "mixed-integer-float"):
        given = ~pd.isna(cells)
    else:  # booleans, dates, lists …: one by one
        given = np.zeros(count, dtype=bool)
        bad[:] = True
    # float() of each given cell, as _parse_number; what pandas cannot read goes one by one
    readable = given.copy()
    readable[given] = pd.notna(pd.to_numeric(cells[given], errors="coerce"))
    try:
        values[readable] = cells[readable].astype(np.float64)
    except (ValueError, TypeError, OverflowError):
        readable[:] = False
        bad[given] = True
    bad |= np.isinf(values) | (values < 0)
    values[bad] = np.nan
    for position in np.flatnonzero((given | bad) & ~readable):
        values[position], problem = C._parse_number(distinct[position])
        bad[position] = problem is not None
    return values, bad


def _by_value(distinct: list[object], function: Any, dtype: Any) -> np.ndarray:
    if dtype is object:
        return _objects([function(value) for value in distinct])
    return np.fromiter((function(value) for value in distinct), dtype=dtype, count=len(distinct))


def _kind_code(value: object) -> int:
    """0 forecast, 1 observed, -1 an unknown kind."""
    if C._blank(value):
        return 0
    kind = C._KINDS.get(str(value).strip().casefold())
    return -1 if kind is None else _KINDS.index(kind)


def _source(value: object) -> str | None:
    return None if C._blank(value) else C._display(value)


@dataclass
class _Moments:
    """``_parse_moment`` of each value, as arrays."""

    blank: np.ndarray
    ok: np.ndarray  # a time (not blank, and read)
    ns: np.ndarray  # the instant, nanoseconds since 1970 UTC
    hour: np.ndarray  # the start of an hour in Asia/Shanghai
    midnight: np.ndarray  # midnight in Asia/Shanghai
    odd: np.ndarray  # a time outside what a frame holds: the row-by-row path decides

    def rows(self, column: _Column) -> _Moments:
        return _Moments(
            *(column.rows(getattr(self, name)) for name in ("blank", "ok", "ns", "hour", "midnight", "odd"))
        )


def _moments(distinct: list[object]) -> _Moments:
    count = len(distinct)
    blank = _blank(distinct)
    ok = np.zeros(count, dtype=bool)
    ns = np.zeros(count, dtype=np.int64)
    odd = np.zeros(count, dtype=bool)
    hour = np.zeros(count, dtype=bool)
    midnight = np.zeros(count, dtype=bool)
    texts = np.fromiter(
        (i for i, (value, empty) in enumerate(zip(distinct, blank, strict=True)) if type(value) is str and not empty),
        dtype=np.intp,
    )
    matched, valid, fixed = _fixed_times([distinct[i] for i in texts])
    where = texts[matched]
    ok[where] = valid[matched]
    ns[where] = np.where(valid[matched], fixed[matched], 0)
    local = ns[where] + _LOCAL_OFFSET
    hour[where] = local % _NS_HOUR == 0
    midnight[where] = local % _NS_DAY == 0
    done = np.zeros(count, dtype=bool)
    done[where] = True
    for position in np.flatnonzero(~done & ~blank):
        stamp = C._parse_moment(distinct[position])
        if stamp is None:
            continue
        ok[position] = True
        hour[position] = not (stamp.minute or stamp.second or stamp.microsecond)
        midnight[position] = stamp == stamp.normalize()
        try:
            ns[position] = stamp.value
            odd[position] = not pd.Timestamp.min.value < stamp.value <= pd.Timestamp.max.value
        except (OverflowError, ValueError):
            odd[position] = True
    return _Moments(blank, ok, ns, hour, midnight, odd)


# Fixed layouts of _TIME_RE: "d" a digit, "-" a date separator, "T" the date-time separator,
# "Z" UTC, "+" an offset sign. A text of one layout matches _TIME_RE with the same fields.
_CLASSES = {"-": "-/.", "T": "Tt ", "Z": "Zz", "+": "+-", ":": ":"}
_DATE = "dddd-dd-dd"
_CLOCKS = ("", "Tdd:dd", "Tdd:dd:dd")
_ZONES = ("", "Z", "+dd:dd", "+dddd", "+dd")
_LAYOUTS: dict[int, list[tuple[str, str]]] = {}
for _clock in _CLOCKS:
    for _zone in _ZONES:
        _LAYOUTS.setdefault(len(_DATE + _clock + _zone), []).append((_clock, _zone))
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _digits(chars: np.ndarray, start: int, stop: int) -> np.ndarray:
    digits = chars[:, start:stop].astype(np.int64) - ord("0")
    return digits @ (10 ** np.arange(stop - start - 1, -1, -1, dtype=np.int64))


def _days_since_1970(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil)."""
    year = year - (month <= 2)
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def _fixed_times(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each text: whether it has one of the fixed layouts (and a year numpy reads), whether
    it is a real time, and the instant in nanoseconds."""
    count = len(texts)
    matched = np.zeros(count, dtype=bool)
    valid = np.zeros(count, dtype=bool)
    instants = np.zeros(count, dtype=np.int64)
    if not count:
        return matched, valid, instants
    lengths = np.fromiter(map(len, texts), dtype=np.intp, count=count)
    for length in np.unique(lengths):
        layouts = _LAYOUTS.get(int(length))
        if not layouts:
            continue
        chosen = np.flatnonzero(lengths == length)
        chars = np.array([texts[i] for i in chosen], dtype=f"<U{length}").view(np.uint32).reshape(len(chosen), length)
        for clock, zone in layouts:
            fits = np.ones(len(chosen), dtype=bool)
            for position, code in enumerate(_DATE + clock + zone):
                column = chars[:, position]
                if code == "d":
                    fits &= (column >= ord("0")) & (column <= ord("9"))
                else:
                    fits &= np.isin(column, [ord(c) for c in _CLASSES[code]])
            if not fits.any():
                continue
            rows = chosen[fits]
            sub = chars[fits]
            year, month, day = _digits(sub, 0, 4), _digits(sub, 5, 7), _digits(sub, 8, 10)
            zero = np.zeros(len(rows), dtype=np.int64)
            hour = _digits(sub, 11, 13) if clock else zero
            minute = _digits(sub, 14, 16) if clock else zero
            second = _digits(sub, 17, 19) if len(clock) == 9 else zero
            start = len(_DATE + clock)
            if zone == "":
                offset = np.full(len(rows), _LOCAL_OFFSET // _NS, dtype=np.int64)
                zone_ok = np.ones(len(rows), dtype=bool)
            elif zone == "Z":
                offset = zero
                zone_ok = np.ones(len(rows), dtype=bool)
            else:
                sign = np.where(sub[:, start] == ord("-"), -1, 1)
                zone_hours = _digits(sub, start + 1, start + 3)
                if zone == "+dd:dd":
                    zone_minute = _digits(sub, start + 4, start + 6)
                elif zone == "+dddd":
                    zone_minute = _digits(sub, start + 3, start + 5)
                else:
                    zone_minute = zero
                offset = sign * (zone_hours * 3600 + zone_minute * 60)
                zone_ok = (zone_hours <= 23) & (zone_minute <= 59)
            in_years = (year >= _FIRST_YEAR) & (year <= _LAST_YEAR)
            month_ok = (month >= 1) & (month <= 12)
            leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
            days_in_month = _DAYS_IN_MONTH[np.where(month_ok, month, 0)] + (leap & (month == 2))
            real = (
                month_ok
                & (day >= 1)
                & (day <= days_in_month)
                & (hour <= 23)
                & (minute <= 59)
                & (second <= 59)
                & zone_ok
            )
            seconds = _days_since_1970(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset
            matched[rows] = in_years
            valid[rows] = in_years & real
            instants[rows] = np.where(in_years & real, seconds * _NS, 0)
    return matched, valid, instants


# --------------------------------------------------------------------------- the file


def parse(reader: C._Findings) -> tuple[pd.DataFrame, Literal["hour", "day"] | None]:
    """What the row path's ``reader._parse(table)`` returns, with the same errors and warnings on
    ``reader`` (only the first ones listed: ``reader.error_total`` counts them all)."""
    grid = _grid(reader)
    reader.json = grid.json
    count = len(grid.numbers)
    columns = reader._header_columns(grid.headers, count > 0)
    if columns is None:
        return C.empty_frame(), None

    def column(key: str) -> _Column:
        spec = columns.get(key)
        if spec is None or spec[0] >= len(grid.columns):
            return _Column.missing(count)
        return grid.columns[spec[0]]

    # per cell, as _RowReader._parse_row
    area_column = column("area")
    area_index, area_bad = (area_column.rows(a) for a in _areas(area_column.distinct))
    time_column, date_column = column("time"), column("date")
    times = _moments(time_column.distinct).rows(time_column)
    dates = _moments(date_column.distinct).rows(date_column)
    hourly = ~times.blank
    daily = ~hourly & ~dates.blank
    time_bad = np.where(hourly, ~(times.ok & times.hour), np.where(daily, ~(dates.ok & dates.midnight), True))
    instants = np.where(hourly, times.ns, dates.ns)
    odd = np.where(hourly, times.odd, dates.odd)

    numbers: dict[str, np.ndarray] = {}
    errors = area_bad.astype(np.int64) + time_bad
    number_bad = np.zeros(count, dtype=bool)
    for key in C.NUMERIC_COLUMNS:
        cells = column(key)
        values, bad = (cells.rows(a) for a in _numbers(cells.distinct))
        numbers[key] = values
        errors += bad
        number_bad |= bad
    no_value = np.logical_and.reduce([np.isnan(numbers[key]) for key in _VALUE_COLUMNS])
    low_above_high = numbers["aqi_low"] > numbers["aqi_high"]
    errors += ~number_bad & no_value
    errors += ~number_bad & low_above_high

    cells = column("primary_pollutant")
    parsed = [C._parse_pollutant(value) for value in cells.distinct]
    primary = cells.rows(_objects([value for value, _ in parsed]))
    errors += cells.rows(np.fromiter((problem is not None for _, problem in parsed), dtype=bool, count=len(parsed)))

    cells = column("dust")
    flags = [C._parse_flag(value) for value in cells.distinct]
    dust = cells.rows(np.fromiter((flag is True for flag in flags), dtype=bool, count=len(flags)))
    errors += cells.rows(np.fromiter((flag is None for flag in flags), dtype=bool, count=len(flags)))

    cells = column("kind")
    kind = cells.rows(_by_value(cells.distinct, _kind_code, np.int8))
    errors += kind < 0

    issued_column = column("issued_at")
    issued = _moments(issued_column.distinct).rows(issued_column)
    errors += ~issued.blank & ~issued.ok

    cells = column("source")
    source = cells.rows(_by_value(cells.distinct, _source, object))

    # per row, as _RowReader._parse
    not_object = grid.not_object if grid.not_object is not None else np.zeros(count, dtype=bool)
    live = ~not_object
    if grid.blank_rows_kept:
        blank = np.ones(count, dtype=bool)
        for cells in grid.columns:
            blank &= cells.rows(_blank(cells.distinct))
        live &= ~blank
    bad_row = live & (errors > 0)
    valid = live & (errors == 0)
    valid_rows = np.flatnonzero(valid)
    period: Literal["hour", "day"] | None = None
    period_row = 0
    mixed = np.zeros(count, dtype=bool)
    if len(valid_rows):
        first = valid_rows[0]
        period, period_row = ("hour" if hourly[first] else "day"), int(grid.numbers[first])
        mixed = valid & (hourly != hourly[first])
    records = np.flatnonzero(valid & ~mixed)

    issued_ns = np.where(issued.blank, _NAT, issued.ns)
    keys = pd.DataFrame(
        {
            "area": area_index[records],
            "time": instants[records],
            "kind": kind[records],
            "issued_at": issued_ns[records],
        }
    )
    duplicated = np.zeros(len(keys), dtype=bool) if reader.keep_duplicates else keys.duplicated(keep="first").to_numpy()
    total = int(not_object.sum() + errors[live].sum() + mixed.sum() + duplicated.sum())

    if odd[records].any() or (~issued.blank & issued.odd)[records].any():
        # the row-by-row reader builds a frame of these records (and fails) even beside errors
        raise Unsupported("a time outside the range of a frame")
    if total:
        rows = {"not_object": not_object, "bad": bad_row, "mixed": mixed, "hourly": hourly}
        _list_errors(reader, grid, columns, rows, (period or "", period_row), records, keys, duplicated, total)
        return C.empty_frame(), period
    if period is None or not len(records):  # (a record sets the period)
        reader._error(None, None, "文件没有数据行")
        return C.empty_frame(), period
    frame = _frame(
        period=period,
        numbers=grid.numbers[records],
        area=area_index[records],
        time=instants[records],
        values={key: values[records] for key, values in numbers.items()},
        primary=primary[records],
        dust=dust[records],
        kind=kind[records],
        issued=issued_ns[records],
        source=source[records],
    )
    return frame, period


def _list_errors(
    reader: C._Findings,
    grid: _Grid,
    columns: dict[str, tuple[int, str]],
    rows: dict[str, np.ndarray],
    first_period: tuple[str, int],
    records: np.ndarray,
    keys: pd.DataFrame,
    duplicated: np.ndarray,
    total: int,
) -> None:
    """The errors in the row-by-row reader's order and words, up to one more than it lists."""
    listed = C.MAX_ERRORS + 1
    complete = True
    not_object, bad_row, mixed, hourly = rows["not_object"], rows["bad"], rows["mixed"], rows["hourly"]
    period, period_row = first_period
    for row in np.flatnonzero(not_object | bad_row | mixed):
        if len(reader.errors) >= listed:
            complete = False
            break
        number = int(grid.numbers[row])
        if not_object[row]:
            reader._not_object_error(number)
        elif bad_row[row]:
            reader._parse_row(number, grid.cells(row), columns)
        else:
            reader._mixed_period_error(number, "hour" if hourly[row] else "day", period, period_row)
    if complete and duplicated.any():
        room = listed - len(reader.errors)
        numbers = pd.Series(grid.numbers[records], index=keys.index)
        first_rows = numbers.groupby([keys[c] for c in keys.columns], sort=False).transform("first").to_numpy()
        repeated = np.flatnonzero(duplicated)
        column = reader._duplicate_column(columns)
        for position in repeated[: max(room, 0)]:
            reader._duplicate_error(int(numbers.iloc[position]), int(first_rows[position]), column)
        complete = len(repeated) <= room
    if complete and len(reader.errors) != total:
        if STRICT:
            raise AssertionError(f"masks count {total} errors, the rows give {len(reader.errors)}")
        raise Unsupported("the masks and the rows disagree")
    reader.error_total = total


def _times(instants: np.ndarray) -> pd.Series:
    return pd.Series(instants.view("M8[ns]")).dt.tz_localize("UTC").dt.tz_convert(C.TZ)


def _frame(
    *,
    period: str,
    numbers: np.ndarray,
    area: np.ndarray,
    time: np.ndarray,
    values: dict[str, np.ndarray],
    primary: np.ndarray,
    dust: np.ndarray,
    kind: np.ndarray,
    issued: np.ndarray,
    source: np.ndarray,
) -> pd.DataFrame:
    """The frame ``normalise_frame`` makes of the same records."""
    count = len(numbers)
    data: dict[str, Any] = {
        "area_code": pd.Series(_AREA_CODES[area], dtype="str"),
        "area_name": pd.Series(_AREA_NAMES[area], dtype="str"),
        "time": _times(time),
        "period": pd.Series(np.full(count, period, dtype=object), dtype="str"),
        **{key: pd.Series(values[key], dtype="float64") for key in C.NUMERIC_COLUMNS},
        "primary_pollutant": pd.Series(primary, dtype="str"),
        "dust": pd.Series(dust, dtype=bool),
        "kind": pd.Series(_KIND_NAMES[kind], dtype="str"),
        "issued_at": _times(issued),
        "source": pd.Series(source, dtype="str"),
        "row": pd.Series(numbers, dtype="int64"),
    }
    return pd.DataFrame({name: data[name] for name in C.FRAME_COLUMNS})
