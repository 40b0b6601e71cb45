"""The air quality index (空气质量指数, AQI) of HJ 633, both editions, vectorised.

HJ 633—2012 《环境空气质量指数（AQI）技术规定（试行）》 was replaced on 2026-03-01 by
HJ 633—2026 (issued with GB 3095—2026). Each measurement or forecast is indexed by the edition
in force at its time.

- The individual air quality index (空气质量分指数, IAQI) of a pollutant is the linear
  interpolation of its concentration between the two surrounding breakpoints (污染物项目浓度限值)
  of the edition's table, rounded up to an integer (向上进位取整数).
- HJ 633—2026 first rounds concentrations by GB/T 8170 (数值修约, round half to even) to
  integers, CO to one decimal; HJ 633—2012 indexes the value as given.
- The AQI is the largest IAQI; the primary pollutant (首要污染物) is named only when the AQI is
  above 50, and tied pollutants are all named.
- Daily report (日报): 24-hour means (24小时平均) of SO2, NO2, CO, PM10, PM2.5 and the day's
  largest 8-hour mean of O3 (臭氧日最大8小时滑动平均); 2012 also indexed the day's largest
  1-hour O3. Real-time report (实时报): 1-hour means (1小时平均) of SO2, NO2, CO and O3 against
  the 1-hour limits, PM10 and PM2.5 hourly values against the 24-hour limits, and the 8-hour
  moving mean of O3 (臭氧8小时滑动平均) where given.

Everything here works on whole numpy arrays / pandas columns; nothing loops over rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .categories import (
    CATEGORY_NAMES,
    EDITION_2012,
    EDITION_2026,
    UPPER_BOUNDS,
)

__all__ = [
    "DISPLAY",
    "EDITION_2012",
    "EDITION_2026",
    "IAQI_COLUMNS",
    "POLLUTANTS",
    "SWITCH",
    "aqi_from_concentrations",
    "compute_aqi_frame",
    "edition_for",
    "iaqi",
    "normalise_edition",
]

TZ = "Asia/Shanghai"
SWITCH = pd.Timestamp("2026-03-01 00:00", tz=TZ)

POLLUTANTS: tuple[str, ...] = ("pm25", "pm10", "so2", "no2", "o3", "co")
DISPLAY: dict[str, str] = {
    "pm25": "PM2.5",
    "pm10": "PM10",
    "so2": "SO2",
    "no2": "NO2",
    "o3": "O3",
    "co": "CO",
}
IAQI_COLUMNS: tuple[str, ...] = tuple(f"iaqi_{p}" for p in POLLUTANTS)
RESULT_COLUMNS: tuple[str, ...] = (
    *IAQI_COLUMNS,
    "aqi",
    "primary_pollutant",
    "category",
    "category_name",
    "complete",
    "standard",
)

# IAQI at each breakpoint, shared by every column of both editions (表1 空气质量分指数).
_IAQI_STEPS = np.array([0, 50, 100, 150, 200, 300, 400, 500], dtype=float)


@dataclass(frozen=True)
class _Column:
    """One column of the breakpoint table: concentrations at IAQI 0, 50, 100, …"""

    breakpoints: tuple[float, ...]
    # IAQI given to a value above the last breakpoint; NaN = "not indexed" (不再进行计算).
    above_top: float = 500.0


_COMMON: dict[tuple[str, str], _Column] = {
    ("so2", "24h"): _Column((0, 50, 150, 475, 800, 1600, 2100, 2620)),
    ("no2", "24h"): _Column((0, 40, 80, 180, 280, 565, 750, 940)),
    ("no2", "1h"): _Column((0, 100, 200, 700, 1200, 2340, 3090, 3840)),
    ("co", "24h"): _Column((0, 2, 4, 14, 24, 36, 48, 60)),
    ("co", "1h"): _Column((0, 5, 10, 35, 60, 90, 120, 150)),
    ("o3", "1h"): _Column((0, 160, 200, 300, 400, 800, 1000, 1200)),
}

_TABLES: dict[str, dict[tuple[str, str], _Column]] = {
    EDITION_2012: {
        **_COMMON,
        # SO2 1-hour above 800: not indexed; the 24-hour sub-index is reported instead.
        ("so2", "1h"): _Column((0, 150, 500, 650, 800), above_top=np.nan),
        # O3 8-hour above 800: not indexed; the 1-hour sub-index is reported instead.
        ("o3", "8h"): _Column((0, 100, 160, 215, 265, 800), above_top=np.nan),
        ("pm10", "24h"): _Column((0, 50, 150, 250, 350, 420, 500, 600)),
        ("pm25", "24h"): _Column((0, 35, 75, 115, 150, 250, 350, 500)),
    },
    EDITION_2026: {
        **_COMMON,
        # SO2 1-hour above 800 counts as IAQI 200; O3 8-hour above 800 as IAQI 300.
        ("so2", "1h"): _Column((0, 150, 500, 650, 800), above_top=200.0),
        ("o3", "8h"): _Column((0, 100, 160, 215, 265, 800), above_top=300.0),
        ("pm10", "24h"): _Column((0, 50, 120, 250, 350, 420, 500, 600)),
        ("pm25", "24h"): _Column((0, 35, 60, 115, 150, 250, 350, 500)),
    },
}

AVERAGINGS = ("1h", "8h", "24h")

# Float noise allowed when deciding "exactly a breakpoint / exactly .5": concentrations are
# decimal numbers of a few significant digits, so anything this close is the value as written.
_REL_TOL = 1e-10
_IAQI_TOL = 1e-9


# --------------------------------------------------------------------------- editions


def normalise_edition(edition: object) -> str:
    """``"2012"``, ``"HJ 633-2012"``, ``"HJ 633—2012"`` … → :data:`EDITION_2012` (same for 2026)."""
    text = re.sub(r"\s+", "", str(edition)).upper().replace("-", "—").replace("–", "—")
    if text in ("2012", "HJ633—2012"):
        return EDITION_2012
    if text in ("2026", "HJ633—2026"):
        return EDITION_2026
    raise ValueError(f"未知的 HJ 633 版本：{edition!r}（应为 2012 或 2026）")


def _edition_codes(editions: str | pd.Series | Sequence[str] | np.ndarray, n: int) -> np.ndarray:
    """Boolean array, True where the edition is 2026; a single edition is broadcast to ``n``."""
    if isinstance(editions, str):
        return np.full(n, normalise_edition(editions) == EDITION_2026, dtype=bool)
    values = pd.Series(np.asarray(editions, dtype=object))
    if len(values) != n:
        raise ValueError(f"editions has {len(values)} values for {n} concentrations")
    uniques = {value: normalise_edition(value) == EDITION_2026 for value in values.unique()}
    return values.map(uniques).to_numpy(dtype=bool)


def _to_shanghai(values: pd.Series | Sequence[object]) -> pd.Series:
    """Timestamps in Asia/Shanghai; naive values and offset-less strings are Shanghai time."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        return series.dt.tz_convert(TZ)
    if pd.api.types.is_datetime64_dtype(series.dtype):
        return series.dt.tz_localize(TZ, ambiguous="NaT", nonexistent="NaT")
    # Elements may be Timestamps (aware or naive), dates or strings, with or without an offset;
    # work positionally so that a duplicated index does no harm.
    objects = series.to_numpy(dtype=object)
    present = np.asarray(pd.notna(objects), dtype=bool)
    utc = np.full(len(objects), np.datetime64("NaT"), dtype="datetime64[ns]")
    if present.any():
        texts = pd.Series(objects[present]).astype(str).str.strip()
        aware = texts.str.contains(_WITH_OFFSET, regex=True).to_numpy(dtype=bool)
        positions = np.flatnonzero(present)
        if aware.any():
            parsed = pd.to_datetime(texts[aware], utc=True, errors="coerce", format="ISO8601")
            utc[positions[aware]] = parsed.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
        if (~aware).any():
            parsed = pd.to_datetime(texts[~aware], errors="coerce", format="ISO8601")
            local = parsed.dt.tz_localize(TZ, ambiguous="NaT", nonexistent="NaT")
            utc[positions[~aware]] = local.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    return pd.Series(utc, index=series.index).dt.tz_localize("UTC").dt.tz_convert(TZ)


# A time part followed by an offset: "…T08:00+08:00", "… 08:00:00Z"; a bare date has none.
_WITH_OFFSET = r"(?i)[T ]\d{1,2}(?::\d{2}){0,2}(?:\.\d+)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$"


def edition_for(times: pd.Series) -> pd.Series:
    """The HJ 633 edition in force at each time: 2012 before 2026-03-01 00:00 (Asia/Shanghai),
    2026 from then on. Naive times are Shanghai time; missing times (NaT) get 2026."""
    stamps = _to_shanghai(times)
    before = (stamps < SWITCH).fillna(False).to_numpy(dtype=bool)
    index = times.index if isinstance(times, pd.Series) else stamps.index
    return pd.Series(np.where(before, EDITION_2012, EDITION_2026), index=index, dtype="str", name="standard")


# --------------------------------------------------------------------------- IAQI


def round_half_even(values: np.ndarray, decimals: int = 0) -> np.ndarray:
    """GB/T 8170 rounding (四舍六入五成双) of decimal values to ``decimals`` places.

    Works on the decimal value as written, not on its binary approximation: 2.25 → 2.2,
    2.35 → 2.4 (although the double nearest 2.35 is a hair above it), 0.5 → 0, 1.5 → 2.
    """
    scale = 10.0**decimals
    scaled = np.asarray(values, dtype=float) * scale
    floor = np.floor(scaled)
    is_half = np.abs(scaled - floor - 0.5) <= _REL_TOL * np.maximum(1.0, np.abs(scaled))
    half_even = floor + (np.mod(floor, 2.0) == 1.0)
    rounded = np.where(is_half, half_even, np.round(scaled))
    return rounded / scale


def _column(edition: str, pollutant: str, averaging: str) -> _Column:
    if pollutant not in POLLUTANTS:
        raise ValueError(f"未知污染物：{pollutant!r}（应为 {', '.join(POLLUTANTS)}）")
    if averaging not in AVERAGINGS:
        raise ValueError(f"未知平均时间：{averaging!r}（应为 1h、8h 或 24h）")
    if pollutant in ("pm25", "pm10") and averaging == "1h":
        # The real-time report indexes hourly PM values against the 24-hour limits.
        averaging = "24h"
    try:
        return _TABLES[edition][(pollutant, averaging)]
    except KeyError:
        raise ValueError(f"HJ 633 没有 {DISPLAY[pollutant]} 的 {averaging} 浓度限值") from None


def _interpolate(conc: np.ndarray, column: _Column) -> np.ndarray:
    """IAQI of concentrations already rounded as the edition requires; NaN stays NaN."""
    bp = np.asarray(column.breakpoints, dtype=float)
    steps = _IAQI_STEPS[: len(bp)]
    # One C pass per column (np.interp is exact at a breakpoint: it returns that step as is); the
    # segments are continuous, so which of two segments meeting at a breakpoint is used is moot.
    out = np.interp(conc, bp, steps)
    # Round up, but never let float noise (e.g. 100.00000000000001) push a value up by one.
    out -= _IAQI_TOL
    np.ceil(out, out=out)
    with np.errstate(invalid="ignore"):
        negative = conc < 0
        above = conc > bp[-1]
    if negative.any():
        out[negative] = np.nan
    if above.any():
        out[above] = column.above_top
    return out


def iaqi(
    conc: object,
    pollutant: str,
    averaging: str,
    edition: str | pd.Series,
) -> np.ndarray:
    """Individual air quality index (空气质量分指数, IAQI) of concentrations.

    ``conc``: a number or array-like (µg/m³; CO mg/m³). ``averaging``: ``"1h"``, ``"8h"`` or
    ``"24h"`` (PM10/PM2.5 have only 24-hour limits; ``"1h"`` indexes hourly PM values against
    them, as the real-time report does). ``edition``: one edition, or one per value.

    Returns floats holding integers (rounded up); NaN where the input is missing or negative,
    and where the edition does not index the value (2012: SO2 1-hour above 800, O3 8-hour above
    800 — the caller substitutes the 24-hour / 1-hour sub-index). Above the top of a column the
    IAQI is 500; 2026 counts SO2 1-hour above 800 as 200 and O3 8-hour above 800 as 300.
    """
    shape = np.shape(conc)
    try:
        values = np.asarray(conc, dtype=float).ravel()
    except (TypeError, ValueError):
        flat = pd.Series(np.asarray(conc, dtype=object).ravel())
        values = pd.to_numeric(flat, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    is_2026 = _edition_codes(edition, values.size)
    if not is_2026.any():  # one edition throughout: no masking, no copies
        return _interpolate(values, _column(EDITION_2012, pollutant, averaging)).reshape(shape)
    if is_2026.all():
        rounded = round_half_even(values, 1 if pollutant == "co" else 0)
        return _interpolate(rounded, _column(EDITION_2026, pollutant, averaging)).reshape(shape)
    out = np.full(values.shape, np.nan)
    if (~is_2026).any():
        out[~is_2026] = _interpolate(values[~is_2026], _column(EDITION_2012, pollutant, averaging))
    if is_2026.any():
        decimals = 1 if pollutant == "co" else 0
        rounded = round_half_even(values[is_2026], decimals)
        out[is_2026] = _interpolate(rounded, _column(EDITION_2026, pollutant, averaging))
    return out.reshape(shape)


# --------------------------------------------------------------------------- AQI of a frame


def _numeric(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _align_editions(editions: str | pd.Series, frame: pd.DataFrame) -> str | np.ndarray:
    if isinstance(editions, str):
        return normalise_edition(editions)
    if isinstance(editions, pd.Series) and editions.index.equals(frame.index):
        return editions.to_numpy(dtype=object)
    values = np.asarray(editions, dtype=object)
    if len(values) != len(frame):
        raise ValueError(f"editions has {len(values)} values for {len(frame)} rows")
    return values


def _nanmax(*arrays: np.ndarray) -> np.ndarray:
    """Element-wise max ignoring NaN (NaN only where all are NaN)."""
    result = arrays[0]
    for array in arrays[1:]:
        result = np.fmax(result, array)
    return result


# Primary-pollutant labels for every subset of the six pollutants, indexed by a bit mask.
_PRIMARY_LABELS = np.array(
    [
        ",".join(DISPLAY[p] for bit, p in enumerate(POLLUTANTS) if mask & (1 << bit))
        for mask in range(1 << len(POLLUTANTS))
    ],
    dtype=object,
)


def aqi_from_concentrations(
    frame: pd.DataFrame,
    period: str,
    editions: str | pd.Series,
) -> pd.DataFrame:
    """IAQI of each pollutant, AQI, primary pollutant, category and completeness of each row.

    ``frame`` may have any of ``pm25, pm10, so2, no2, o3, co, o3_8h`` (and ``so2_24h`` for the
    2012 SO2 rule of the real-time report); a NaN or absent column means the pollutant is absent.

    ``period="day"`` (日报): 24-hour means; O3 from ``o3_8h`` (the day's largest 8-hour mean).
    For 2012, ``o3`` (the day's largest 1-hour mean) is indexed too, against the 1-hour limits,
    and the O3 sub-index is the larger of the two (and the 1-hour one when the 8-hour mean is
    above 800). For 2026 a daily ``o3`` without ``o3_8h`` leaves O3 absent.

    ``period="hour"`` (实时报): SO2, NO2, CO and O3 against the 1-hour limits; PM10 and PM2.5
    against the 24-hour limits; ``o3_8h`` against the 8-hour limits where given (O3 sub-index =
    the larger). 2012: SO2 1-hour above 800 reports the 24-hour sub-index (``so2_24h``; absent
    when that column is missing); O3 8-hour above 800 is replaced by the 1-hour sub-index.

    Returns a frame on the same index with ``iaqi_pm25 … iaqi_co`` (float, NaN where absent),
    ``aqi`` (float, NaN when no pollutant), ``primary_pollutant`` (str, "" when AQI ≤ 50, ties
    joined by "," in the order PM2.5, PM10, SO2, NO2, O3, CO), ``category`` (Int64, 1–6) and
    ``complete`` (bool, all six present).
    """
    if period not in ("day", "hour"):
        raise ValueError(f"period 应为 day 或 hour，而不是 {period!r}")
    eds = _align_editions(editions, frame)
    n = len(frame)

    def sub(column: str, pollutant: str, averaging: str) -> np.ndarray:
        if column not in frame.columns:
            return np.full(n, np.nan)  # absent pollutant: nothing to index
        return iaqi(_numeric(frame, column), pollutant, averaging, eds)

    result: dict[str, np.ndarray] = {
        "iaqi_pm25": sub("pm25", "pm25", "24h"),
        "iaqi_pm10": sub("pm10", "pm10", "24h"),
    }
    o3_8h = sub("o3_8h", "o3", "8h")  # NaN when absent, or 2012 above 800
    if period == "day":
        result["iaqi_so2"] = sub("so2", "so2", "24h")
        result["iaqi_no2"] = sub("no2", "no2", "24h")
        result["iaqi_co"] = sub("co", "co", "24h")
        is_2012 = ~_edition_codes(eds, n)
        o3_1h = np.where(is_2012, sub("o3", "o3", "1h"), np.nan)
        result["iaqi_o3"] = _nanmax(o3_8h, o3_1h)
    else:
        so2_1h = sub("so2", "so2", "1h")
        so2_24h = sub("so2_24h", "so2", "24h")
        # Only 2012 yields NaN for a present SO2 value (above 800); it reports the 24-hour one.
        result["iaqi_so2"] = np.where(np.isnan(so2_1h), so2_24h, so2_1h)
        result["iaqi_no2"] = sub("no2", "no2", "1h")
        result["iaqi_co"] = sub("co", "co", "1h")
        result["iaqi_o3"] = _nanmax(sub("o3", "o3", "1h"), o3_8h)

    # Column by column (each a single pass over n values) rather than through an n×6 matrix.
    columns = [result[c] for c in IAQI_COLUMNS]
    aqi = _nanmax(*columns) if n else np.full(0, np.nan)  # NaN where no pollutant is present
    masks = np.zeros(n, dtype=np.uint8)
    tied = np.empty(n, dtype=bool)
    for bit, column in enumerate(columns):
        np.equal(column, aqi, out=tied)  # NaN equals nothing
        masks |= tied.view(np.uint8) << np.uint8(bit)
    with np.errstate(invalid="ignore"):
        masks[~(aqi > 50)] = 0
    primary = _PRIMARY_LABELS[masks]
    total = columns[0].copy()  # NaN as soon as one pollutant is absent
    for column in columns[1:]:
        total += column
    complete = ~np.isnan(total)

    out = pd.DataFrame(
        {
            **{c: result[c] for c in IAQI_COLUMNS},
            "aqi": aqi,
            "primary_pollutant": pd.Series(primary, index=frame.index, dtype="str"),
            "category": category_numbers(aqi, index=frame.index),
            "complete": complete,
        },
        index=frame.index,
    )
    return out


def category_numbers(aqi: np.ndarray | pd.Series, index: pd.Index | None = None) -> pd.Series:
    """Vectorised category number 1–6 (Int64, <NA> for a missing or negative AQI)."""
    values = np.asarray(aqi, dtype=float)
    # 1 + the number of upper bounds the AQI is above (branch-free, unlike a binary search).
    counts = np.ones(values.shape, dtype=np.uint8)
    above = np.empty(values.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        for upper in UPPER_BOUNDS:
            np.greater(values, upper, out=above)
            counts += above.view(np.uint8)
        missing = np.isnan(values) | (values < 0)
    numbers = counts.astype(np.int64)
    numbers[missing] = 0
    return pd.Series(
        pd.arrays.IntegerArray(numbers, missing),
        index=index if index is not None else getattr(aqi, "index", None),
    )


def _frame_editions(df: pd.DataFrame, standard: str) -> np.ndarray:
    if standard != "auto":
        return np.full(len(df), normalise_edition(standard), dtype=object)
    times = pd.Series(pd.NaT, index=df.index, dtype=f"datetime64[ns, {TZ}]")
    if "time" in df.columns:
        times = _to_shanghai(df["time"])
    if "date" in df.columns:
        # A daily row is indexed by the edition in force at that day's 00:00, Shanghai time.
        days = _to_shanghai(df["date"].map(_date_only)).dt.normalize()
        times = times.fillna(days) if "time" in df.columns else days
    return edition_for(times).to_numpy(dtype=object)


def _date_only(value: object) -> object:
    """The calendar day of a ``date`` cell as ``YYYY-MM-DD`` (None when missing)."""
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp) and value.tzinfo is not None:
        value = value.tz_convert(TZ)
    return str(value).strip()[:10]


def compute_aqi_frame(df: pd.DataFrame, period: str, standard: str = "auto") -> pd.DataFrame:
    """``df`` plus ``iaqi_*``, ``aqi``, ``primary_pollutant``, ``category``, ``category_name``,
    ``complete`` and ``standard`` (the HJ 633 edition used), as ``compute_aqi`` writes them.

    ``standard``: ``"auto"`` (the edition in force at each row's ``time``, else ``date`` taken
    at 00:00 Asia/Shanghai; rows with neither use 2026), ``"2012"`` or ``"2026"``. Computed
    columns replace input columns of the same name (an input ``aqi`` is recomputed).
    """
    if standard not in ("auto", "2012", "2026"):
        standard = normalise_edition(standard)
    editions = _frame_editions(df, standard)
    computed = aqi_from_concentrations(df, period, pd.Series(editions, index=df.index))
    out = df.drop(columns=[c for c in RESULT_COLUMNS if c in df.columns]).copy()
    for column in computed.columns:
        out[column] = computed[column].array  # positional: a duplicated index must not realign
    names = np.asarray(("", *CATEGORY_NAMES), dtype=object)
    out["category_name"] = pd.Series(
        names[computed["category"].fillna(0).to_numpy(dtype=int)], index=df.index, dtype="str"
    )
    out["standard"] = pd.Series(editions, index=df.index, dtype="str")
    return out[[*[c for c in out.columns if c not in RESULT_COLUMNS], *RESULT_COLUMNS]]
