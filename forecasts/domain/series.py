"""Hourly series per area and their 24-hour windows (warning-rules.md §2, §3).

"预警统一以AQI日均值为指标，按连续24小时（可以跨自然日）均值计算" (plan §3.1): a *window* is any
24 consecutive hours ``[s, s+23]``. This module turns the rows of one or more files into one
hourly series per area (observations first, then forecasts), and computes, for every start hour
``s`` at once (pandas rolling windows), the window's value, its primary pollutant and whether it
counts at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .aqi import DISPLAY, POLLUTANTS, aqi_from_concentrations, edition_for
from .areas import AREAS
from .readers import CONCENTRATIONS, TZ, normalise_frame

HOUR = pd.Timedelta(hours=1)
WINDOW_HOURS = 24
#: GB 3095-2012: a daily mean needs at least 20 hourly values.
MIN_HOURS = 20
#: GB 3095-2012: an 8-hour mean of O3 needs at least 6 hourly values.
MIN_O3_HOURS = 6

#: Pollutant display names in the tie order of warning-rules.md §3 (PM2.5 first).
PRIMARY_ORDER: tuple[str, ...] = tuple(DISPLAY[p] for p in POLLUTANTS)

SERIES_COLUMNS: tuple[str, ...] = (
    "aqi",
    "aqi_low",
    *CONCENTRATIONS,
    "o3_8h",
    "primary_pollutant",
    "dust",
    "kind",
    "issued_at",
    "daily",
)

WINDOW_COLUMNS: tuple[str, ...] = (
    "end",
    "value",
    "hours",
    "mode",
    "primary_pollutant",
    "family",
    "dust_excluded",
)

_KIND_RANK = {"forecast": 0, "observed": 1}


# --------------------------------------------------------------------------- series


def hour_aqi(frame: pd.DataFrame) -> pd.DataFrame:
    """Each row's own AQI (warning-rules.md §2) and a primary pollutant filled in from its
    concentrations where the file gave none.

    The own AQI is ``aqi_high`` (the upper end of a forecast range, plan §4.1 "按照空气质量预报
    结果上限确定预警级别"), else ``aqi``, else the AQI of the row's concentrations: the real-time
    report (1-hour limits) for hourly rows, the daily report for daily rows, by the HJ 633
    edition in force at the row's time. ``aqi_low`` is the row's low end (``aqi_low``, else
    ``aqi``, else the same computed AQI): only the AQI range a warning states uses it (§11).
    """
    value = frame["aqi_high"].fillna(frame["aqi"])
    low = frame["aqi_low"].fillna(frame["aqi"])
    primary = frame["primary_pollutant"].astype(object).where(frame["primary_pollutant"].notna())
    has_conc = frame[[*CONCENTRATIONS, "o3_8h"]].notna().any(axis=1)
    if has_conc.any():
        for period in ("hour", "day"):
            rows = has_conc & (frame["period"] == period)
            if not rows.any():
                continue
            part = frame.loc[rows, [*CONCENTRATIONS, "o3_8h"]]
            computed = aqi_from_concentrations(part, period, edition_for(frame.loc[rows, "time"]))
            value.loc[rows] = value.loc[rows].fillna(computed["aqi"])
            low.loc[rows] = low.loc[rows].fillna(computed["aqi"])
            named = computed["primary_pollutant"].replace("", np.nan)
            primary.loc[rows] = primary.loc[rows].fillna(named)
    # A low end without any upper value or AQI (only ``aqi_low`` given) is its own value.
    value = value.fillna(low)
    low = low.fillna(value).clip(upper=value)
    return pd.DataFrame({"aqi": value, "aqi_low": low, "primary_pollutant": primary}, index=frame.index)


def build_series(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """One hourly series per area code (warning-rules.md §2), in the order of :data:`AREAS`.

    Each series is indexed by every hour from its first to its last (missing hours are NaN
    rows) and has the columns of :data:`SERIES_COLUMNS`. ``daily`` marks hours that come from a
    daily row: such a row counts as 24 hours at its own value (§6), from 00:00 to 23:00.

    For the same hour an observation beats a forecast, a newer ``issued_at`` beats an older one
    (a missing ``issued_at`` is the oldest), an hourly row beats a daily row, and otherwise the
    row that comes later in the input wins.
    """
    frame = normalise_frame(frame)
    if frame.empty:
        return {}
    own = hour_aqi(frame)
    rows = frame.assign(aqi=own["aqi"], aqi_low=own["aqi_low"], primary_pollutant=own["primary_pollutant"])
    rows["order"] = np.arange(len(rows))
    rows["daily"] = rows["period"] == "day"
    rows = _expand_daily(rows)

    rows["kind_rank"] = rows["kind"].map(_KIND_RANK).fillna(0)
    rows["issued_rank"] = rows["issued_at"].fillna(pd.Timestamp("1900-01-01", tz=TZ))
    rows["hourly_rank"] = (~rows["daily"]).astype(int)
    rows = rows.sort_values(["area_code", "time", "kind_rank", "issued_rank", "hourly_rank", "order"], kind="stable")
    rows = rows.drop_duplicates(["area_code", "time"], keep="last")

    result: dict[str, pd.DataFrame] = {}
    known = [area.code for area in AREAS]
    codes = sorted(rows["area_code"].unique(), key=lambda c: known.index(c) if c in known else 99)
    for code in codes:
        part = rows[rows["area_code"] == code].set_index("time")
        grid = pd.date_range(part.index.min(), part.index.max(), freq="h", name="time")
        series = part[list(SERIES_COLUMNS)].reindex(grid)
        series["dust"] = series["dust"].fillna(False).astype(bool)
        series["daily"] = series["daily"].fillna(False).astype(bool)
        result[str(code)] = series
    return result


def _expand_daily(rows: pd.DataFrame) -> pd.DataFrame:
    """Each daily row becomes its 24 hours (00:00–23:00) at the row's own value."""
    daily = rows[rows["daily"]]
    if daily.empty:
        return rows
    repeated = daily.loc[daily.index.repeat(WINDOW_HOURS)].copy()
    offsets = np.tile(np.arange(WINDOW_HOURS), len(daily))
    repeated["time"] = repeated["time"] + pd.to_timedelta(offsets, unit="h")
    # A daily concentration is a 24-hour mean, not an hourly value (§5's hourly SO2 check).
    repeated[[*CONCENTRATIONS, "o3_8h"]] = np.nan
    return pd.concat([rows[~rows["daily"]], repeated], ignore_index=True)


# --------------------------------------------------------------------------- windows


def window_values(series: pd.DataFrame) -> pd.DataFrame:
    """Every 24-hour window of a series, indexed by its start hour ``s`` (warning-rules.md §2–3).

    Columns: ``end`` (``s`` + 23 h), ``value`` (NaN when the window has no value), ``hours``
    (hours with data), ``mode`` ("concentration", "aqi" or "daily"), ``primary_pollutant``,
    ``family`` ("particulate" or "ozone", plan §3.1 and §3.2) and ``dust_excluded``.

    - Fewer than :data:`MIN_HOURS` hours with data: no value. 20–23 hours: from those present.
      Windows may hang over either end of the series by up to four hours for that reason.
    - Every present hour hourly with ``pm25`` and ``pm10``: the AQI (daily report, the edition
      in force at the window's end hour) of the window's mean concentrations, O3 from the
      largest 8-hour moving mean ending inside the window (``o3_8h`` where the file gave it).
    - Otherwise: the mean of the hours' own AQI (``aqi_high``, else ``aqi``, else from
      concentrations). A window containing hours of a daily row counts only when it starts at
      00:00: the daily row is its own window, never half of two days.
    - Mostly dust (沙尘, plan §1.4): excluded, no value.
    """
    columns = list(WINDOW_COLUMNS)
    if series.empty:
        return pd.DataFrame(columns=columns, index=pd.DatetimeIndex([], tz=TZ, name="start"))
    overhang = (WINDOW_HOURS - MIN_HOURS) * HOUR
    grid_index = pd.date_range(series.index[0], series.index[-1] + overhang, freq="h", name="time")
    grid = series.reindex(grid_index)
    dust = grid["dust"].fillna(False).astype(bool)
    daily = grid["daily"].fillna(False).astype(bool)
    present = grid["aqi"].notna()

    def window_sum(flags: pd.Series) -> pd.Series:
        return flags.astype(float).rolling(WINDOW_HOURS, min_periods=1).sum()

    hours = window_sum(present)
    enough = hours >= MIN_HOURS
    ends = grid.index
    starts = ends - (WINDOW_HOURS - 1) * HOUR

    daily_hours = window_sum(present & daily)
    daily_ok = (daily_hours == 0) | (starts.hour == 0)
    all_daily = daily_hours == hours

    conc_hours = window_sum(present & grid["pm25"].notna() & grid["pm10"].notna() & ~daily)
    conc_mode = enough & (conc_hours == hours)

    mean_aqi = grid["aqi"].rolling(WINDOW_HOURS, min_periods=MIN_HOURS).mean()
    value = mean_aqi.copy()

    primary = _majority_primary(grid["primary_pollutant"], present)

    if conc_mode.any():
        conc_value, conc_primary = _concentration_windows(grid, conc_mode)
        value = value.where(~conc_mode, conc_value)
        primary = primary.where(~conc_mode, conc_primary)

    dust_hours = window_sum(present & dust)
    dust_excluded = enough & (dust_hours * 2 > hours)
    valid = enough & daily_ok & ~dust_excluded
    value = value.where(valid)

    mode = np.where(conc_mode, "concentration", np.where(all_daily & enough, "daily", "aqi"))
    family = np.where(primary.to_numpy(dtype=object) == "O3", "ozone", "particulate")
    out = pd.DataFrame(
        {
            "end": ends,
            "value": value.to_numpy(dtype=float),
            "hours": hours.to_numpy(dtype=int),
            "mode": mode,
            "primary_pollutant": primary.to_numpy(dtype=object),
            "family": family,
            "dust_excluded": dust_excluded.to_numpy(dtype=bool),
        },
        index=pd.DatetimeIndex(starts, name="start"),
    )
    return out[columns]


def _majority_primary(primary: pd.Series, present: pd.Series) -> pd.Series:
    """The most frequent primary pollutant among a window's hours (ties: PM2.5 first, then the
    order of :data:`PRIMARY_ORDER`); PM2.5 when no hour names one (warning-rules.md §3)."""
    text = primary.astype(object).where(present & primary.notna(), "")
    text = "," + text.astype(str) + ","
    counts = np.column_stack(
        [
            text.str.contains(f",{name},", regex=False)
            .astype(float)
            .rolling(WINDOW_HOURS, min_periods=1)
            .sum()
            .to_numpy()
            for name in PRIMARY_ORDER
        ]
    )
    best = np.argmax(counts, axis=1)  # first maximum: the tie order
    names = np.asarray(PRIMARY_ORDER, dtype=object)[best]
    names[counts.max(axis=1) == 0] = "PM2.5"
    return pd.Series(names, index=primary.index, dtype=object)


def _concentration_windows(grid: pd.DataFrame, rows: pd.Series) -> tuple[pd.Series, pd.Series]:
    """AQI (daily report) and primary pollutant of the windows ending at the ``rows`` hours."""
    means = pd.DataFrame(
        {p: grid[p].rolling(WINDOW_HOURS, min_periods=MIN_HOURS).mean() for p in ("pm25", "pm10", "so2", "no2", "co")},
        index=grid.index,
    )
    moving_8h = grid["o3"].rolling(8, min_periods=MIN_O3_HOURS).mean()
    o3_8h = grid["o3_8h"].fillna(moving_8h)
    # The 8-hour means that lie inside the window end at s+7 … s+23: 17 of them.
    means["o3_8h"] = o3_8h.rolling(WINDOW_HOURS - 7, min_periods=1).max()
    part = means[rows]
    ends = pd.Series(part.index, index=part.index)
    computed = aqi_from_concentrations(part, "day", edition_for(ends))
    iaqi = computed[[f"iaqi_{p}" for p in POLLUTANTS]].to_numpy(dtype=float)
    filled = np.where(np.isnan(iaqi), -np.inf, iaqi)
    best = np.argmax(filled, axis=1)  # first maximum: PM2.5 first in POLLUTANTS
    names = np.asarray(PRIMARY_ORDER, dtype=object)[best]
    names[np.isneginf(filled.max(axis=1))] = "PM2.5"
    value = computed["aqi"].reindex(grid.index)
    primary = pd.Series(names, index=part.index, dtype=object).reindex(grid.index)
    return value, primary
