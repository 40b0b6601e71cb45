"""Benchmark: the HJ 633—2012 daily AQI of 1,000,000 rows, ours against python-aqi (the peer).

    .venv/bin/python benchmarks/bench_aqi.py [--rows 1000000] [--peer-rows 100000] [--repeat 3]

Generates daily 24-hour concentrations of the six pollutants (PM2.5, PM10, SO2, NO2, CO and the
day's largest 8-hour mean of O3), drawn from a correlated log-normal fitted to Yangquan's real
2013–2017 record (shared/data, month by month), and indexes them by HJ 633—2012 (the edition
python-aqi implements as its China/MEP algorithm) in two ways:

- ours: ``forecasts.domain.aqi.aqi_from_concentrations(frame, "day", "2012")`` over the whole
  frame (IAQI of each pollutant, AQI, primary pollutant, category, completeness), best of
  ``--repeat``;
- the peer: ``aqi.to_aqi([(aqi.POLLUTANT_PM25, "75.3"), …], algo=aqi.ALGO_MEP)`` row by row (its
  documented API, concentrations passed as strings as it asks), best of ``--repeat``. When
  ``--peer-rows`` is below ``--rows`` the peer runs on the first ``--peer-rows`` rows (the rows
  are drawn independently) and its time per row is extrapolated to all rows; the output says so.

Then both results on the peer's rows are compared, every disagreement is put down to its
cause(s) — python-aqi's gapped EPA-style breakpoints, its truncation of concentrations to
integers, its half-to-even rounding of the IAQI instead of rounding up, its error above the top
of the table — and a few examples are worked by hand.

Ends with exactly one line:
``BENCH aqi ratio=<peer s per row / ours s per row> rows=<n> ours_s=<best> peer_s_per_row=<best>
disagreements=<rows where the peer differs or fails> peer_rows=<rows the peer ran on>``
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
import time
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aqi  # noqa: E402  (python-aqi, requirements-dev.txt)
from aqi import constants as peer_constants  # noqa: E402

from forecasts.domain.aqi import aqi_from_concentrations  # noqa: E402

# Our column → (python-aqi pollutant, display name, unit, decimals written in the file).
POLLUTANTS: dict[str, tuple[str, str, str, int]] = {
    "pm25": (peer_constants.POLLUTANT_PM25, "PM2.5", "µg/m³", 1),
    "pm10": (peer_constants.POLLUTANT_PM10, "PM10", "µg/m³", 1),
    "so2": (peer_constants.POLLUTANT_SO2_24H, "SO2", "µg/m³", 1),
    "no2": (peer_constants.POLLUTANT_NO2_24H, "NO2", "µg/m³", 1),
    "co": (peer_constants.POLLUTANT_CO_24H, "CO", "mg/m³", 3),
    "o3_8h": (peer_constants.POLLUTANT_O3_8H, "O3_8h", "µg/m³", 1),
}
COLUMNS = tuple(POLLUTANTS)

# HJ 633—2012 表1, daily report: 24-hour limits (O3: 8-hour), at IAQI 0, 50, 100, … 500.
STEPS = np.array([0, 50, 100, 150, 200, 300, 400, 500], dtype=float)
BREAKPOINTS: dict[str, tuple[float, ...]] = {
    "pm25": (0, 35, 75, 115, 150, 250, 350, 500),
    "pm10": (0, 50, 150, 250, 350, 420, 500, 600),
    "so2": (0, 50, 150, 475, 800, 1600, 2100, 2620),
    "no2": (0, 40, 80, 180, 280, 565, 750, 940),
    "co": (0, 2, 4, 14, 24, 36, 48, 60),
    "o3_8h": (0, 100, 160, 215, 265, 800),
}

# Month-by-month medians of Yangquan's daily means 2013-12 … 2017-01 (shared/data), January first;
# O3 is not in that record: a typical North China 8-hour-maximum cycle (low in winter, high in June).
MONTHLY_MEDIANS: dict[str, tuple[float, ...]] = {
    "pm25": (72.6, 54.0, 62.9, 45.4, 44.3, 44.3, 52.1, 37.4, 38.9, 39.9, 68.5, 71.0),
    "pm10": (154.2, 119.1, 161.8, 131.3, 132.5, 107.5, 109.9, 83.4, 88.7, 88.8, 142.1, 141.8),
    "so2": (118.9, 78.3, 73.4, 32.3, 39.9, 29.7, 25.9, 28.4, 36.7, 46.8, 99.8, 126.3),
    "no2": (50.1, 43.6, 47.4, 35.5, 38.4, 31.9, 32.0, 31.9, 38.0, 43.2, 50.9, 52.8),
    "co": (1.92, 1.53, 1.55, 1.22, 0.96, 1.00, 0.97, 1.03, 1.17, 1.35, 1.74, 1.76),
    "o3_8h": (45, 60, 85, 110, 140, 165, 160, 145, 115, 80, 50, 40),
}
# Spread (standard deviation of the logarithm around the month's median) and correlation of those
# residuals, from the same record; O3 drifts mildly against the particles (sunny, well-mixed days).
LOG_SIGMA = {"pm25": 0.65, "pm10": 0.52, "so2": 0.58, "no2": 0.37, "co": 0.41, "o3_8h": 0.30}
LOG_CORR = np.array(
    [
        # pm25  pm10   so2   no2    co   o3_8h
        [1.00, 0.86, 0.40, 0.55, 0.77, -0.30],
        [0.86, 1.00, 0.52, 0.58, 0.66, -0.20],
        [0.40, 0.52, 1.00, 0.67, 0.38, -0.20],
        [0.55, 0.58, 0.67, 1.00, 0.62, -0.25],
        [0.77, 0.66, 0.38, 0.62, 1.00, -0.25],
        [-0.30, -0.20, -0.20, -0.25, -0.25, 1.00],
    ]
)


# --------------------------------------------------------------------------- data


def generate(rows: int, seed: int) -> pd.DataFrame:
    """Daily means as a monitoring centre publishes them: µg/m³ to 0.1, CO (mg/m³) to 0.001."""
    rng = np.random.default_rng(seed)
    month = rng.integers(0, 12, rows)
    normals = rng.standard_normal((rows, len(COLUMNS))) @ np.linalg.cholesky(LOG_CORR).T
    frame = {}
    for position, column in enumerate(COLUMNS):
        median = np.asarray(MONTHLY_MEDIANS[column])[month]
        values = median * np.exp(LOG_SIGMA[column] * normals[:, position])
        frame[column] = values.round(POLLUTANTS[column][3])
    return pd.DataFrame(frame)


def peer_rows(frame: pd.DataFrame) -> list[list[tuple[str, str]]]:
    """The rows as python-aqi wants them: (pollutant constant, concentration as a string)."""
    texts = {column: [f"{value:.{POLLUTANTS[column][3]}f}" for value in frame[column].to_numpy()] for column in COLUMNS}
    names = [POLLUTANTS[column][0] for column in COLUMNS]
    return [list(zip(names, values, strict=True)) for values in zip(*(texts[c] for c in COLUMNS), strict=True)]


# --------------------------------------------------------------------------- runs


def run_ours(frame: pd.DataFrame, repeat: int) -> tuple[float, pd.DataFrame]:
    # One untimed run first: the allocator's first requests for 8 MB columns fault in fresh pages
    # (a cold first run is about twice as slow); both sides are timed warm.
    aqi_from_concentrations(frame, "day", "2012")
    best, result = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = aqi_from_concentrations(frame, "day", "2012")
        best = min(best, time.perf_counter() - start)
    return best, result


def run_peer(rows: list[list[tuple[str, str]]], repeat: int) -> tuple[float, np.ndarray, np.ndarray]:
    """Best time over ``repeat`` runs, the AQI of each row (NaN where python-aqi raised) and the
    exception's class name ("" where it did not)."""
    best = math.inf
    values = np.full(len(rows), np.nan)
    failures = np.full(len(rows), "", dtype=object)
    to_aqi, algo = aqi.to_aqi, aqi.ALGO_MEP
    for ccs in rows[:1000]:  # warm, as ours
        with contextlib.suppress(Exception):
            to_aqi(ccs, algo=algo)
    for _ in range(repeat):
        start = time.perf_counter()
        for position, ccs in enumerate(rows):
            try:
                values[position] = to_aqi(ccs, algo=algo)
            except Exception as exc:  # noqa: BLE001 - we record what the peer does above its table
                failures[position] = type(exc).__name__
        best = min(best, time.perf_counter() - start)
    return best, values, failures


# --------------------------------------------------------------------------- the four differences


def gapped_segments(column: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """python-aqi's MEP table for a column: segments [lo, hi] of concentration on [ilo, ihi] of
    IAQI, each segment starting one unit above the previous one's end (the EPA layout)."""
    bp = BREAKPOINTS[column]
    lo = np.array([bp[0]] + [b + 1 for b in bp[1:-1]], dtype=float)
    hi = np.array(bp[1:], dtype=float)
    ilo = np.array([STEPS[0]] + [s + 1 for s in STEPS[1 : len(bp) - 1]], dtype=float)
    ihi = STEPS[1 : len(bp)].astype(float)
    return lo, hi, ilo, ihi


def variant_iaqi(conc: np.ndarray, column: str, *, gapped: bool, truncate: bool, round_up: bool) -> np.ndarray:
    """IAQI with each of python-aqi's departures from HJ 633—2012 switched on or off.
    NaN where the table has no segment for the value (python-aqi raises there)."""
    c = np.floor(conc) if truncate else conc.astype(float)
    if gapped:
        lo, hi, ilo, ihi = gapped_segments(column)
        value = np.full(c.shape, np.nan)
        for segment in range(len(lo)):
            inside = (c >= lo[segment]) & (c <= hi[segment])
            value[inside] = (ihi[segment] - ilo[segment]) / (hi[segment] - lo[segment]) * (
                c[inside] - lo[segment]
            ) + ilo[segment]
    else:
        bp = np.asarray(BREAKPOINTS[column], dtype=float)
        value = np.interp(c, bp, STEPS[: len(bp)])
        value[c > bp[-1]] = np.nan if column == "o3_8h" else 500.0  # 500 above the top, as ours
    return np.ceil(value - 1e-9) if round_up else np.round(value)  # np.round: half to even


def variant_aqi(frame: pd.DataFrame, **switches: bool) -> np.ndarray:
    """Max over pollutants; NaN where any pollutant has no segment (python-aqi raises)."""
    subs = np.column_stack([variant_iaqi(frame[c].to_numpy(), c, **switches) for c in COLUMNS])
    above = np.zeros(len(frame), dtype=bool)
    if switches["gapped"]:
        above = np.isnan(subs).any(axis=1)
    out = np.nanmax(np.where(np.isnan(subs), -1, subs), axis=1)
    out[above] = np.nan
    return out


CAUSES: dict[str, str] = {
    "gapped": "gapped breakpoints",
    "truncate": "truncation",
    "round": "half-even, not up",
    "above": "above the table",
}
WHY: dict[str, str] = {
    "gapped": (
        "python-aqi copies the EPA layout: concentration segments 0–35, 36–75, 76–115 … (PM2.5) on "
        "IAQI 0–50, 51–100, 101–150 …; HJ 633—2012 表1 joins its segments (35–75 on 50–100), so "
        "every value past the first breakpoint sits on a different line"
    ),
    "truncate": (
        "python-aqi truncates each concentration to a whole number before indexing "
        "(Decimal.quantize(1, ROUND_DOWN)), CO's mg/m³ included (1.96 → 1); HJ 633—2012 indexes the "
        "value as reported"
    ),
    "round": (
        "python-aqi rounds the IAQI half to even (ROUND_HALF_EVEN); HJ 633 rounds IAQI up to the "
        "next integer (向上进位取整数)"
    ),
    "above": (
        "a concentration above the table's last breakpoint (PM2.5 > 500, PM10 > 600 …): python-aqi "
        "raises IndexError; ours gives IAQI 500 (interfaces.md §2)"
    ),
}


def attribute(frame: pd.DataFrame, peer: np.ndarray, failed: np.ndarray, ours: np.ndarray) -> pd.DataFrame:
    """For each row: whether it is a disagreement and which of python-aqi's departures change the
    AQI, undoing them one at a time: the peer → standard table (gaps closed) → concentrations as
    given (no truncation) → IAQI rounded up = HJ 633—2012 (ours)."""
    closed = variant_aqi(frame, gapped=False, truncate=True, round_up=False)
    exact = variant_aqi(frame, gapped=False, truncate=False, round_up=False)
    steps = {
        "gapped": ~failed & (peer != closed),
        "truncate": ~failed & (closed != exact),
        "round": ~failed & (exact != ours),
        "above": failed,
    }
    disagree = failed | (peer != ours)
    label = np.full(len(frame), "", dtype=object)
    for key, changed in steps.items():
        hit = disagree & changed
        label[hit] = np.where(label[hit] == "", CAUSES[key], label[hit] + " + " + CAUSES[key])
    return pd.DataFrame({"disagree": disagree, "cause": label, **{f"step_{k}": v for k, v in steps.items()}})


# --------------------------------------------------------------------------- hand arithmetic


def _text(value: Decimal | float, places: int = 2) -> str:
    return f"{Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)}"


def explain(column: str, text: str) -> list[str]:
    """One pollutant's IAQI worked by hand, by HJ 633—2012 and by python-aqi."""
    _, name, unit, _ = POLLUTANTS[column]
    c = Decimal(text)
    bp = [Decimal(b) for b in BREAKPOINTS[column]]
    steps = [Decimal(int(s)) for s in STEPS[: len(bp)]]
    lines = [f"    {name} = {text} {unit}"]
    if c > bp[-1]:
        lines.append(f"      HJ 633: above the last breakpoint {bp[-1]} → IAQI 500 (capped)")
    else:
        hi = next(i for i in range(1, len(bp)) if c <= bp[i])
        lo = hi - 1
        value = steps[lo] + (steps[hi] - steps[lo]) / (bp[hi] - bp[lo]) * (c - bp[lo])
        rounded = math.ceil(value)
        lines.append(
            f"      HJ 633:     {steps[lo]} + ({steps[hi]}−{steps[lo]})/({bp[hi]}−{bp[lo]}) × ({c}−{bp[lo]})"
            f" = {_text(value)} → rounded up {rounded}"
        )
    t = c.quantize(Decimal(1), rounding=ROUND_DOWN)
    seg_lo, seg_hi, ilo, ihi = gapped_segments(column)
    segment = next((i for i in range(len(seg_lo)) if seg_lo[i] <= t <= seg_hi[i]), None)
    if segment is None:
        lines.append(f"      python-aqi: truncated to {t}, above its last segment → IndexError")
    else:
        a_lo, a_hi = Decimal(int(ilo[segment])), Decimal(int(ihi[segment]))
        b_lo, b_hi = Decimal(int(seg_lo[segment])), Decimal(int(seg_hi[segment]))
        value = (a_hi - a_lo) / (b_hi - b_lo) * (t - b_lo) + a_lo
        rounded = value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        lines.append(
            f"      python-aqi: truncated to {t}; {a_lo} + ({a_hi}−{a_lo})/({b_hi}−{b_lo}) × ({t}−{b_lo})"
            f" = {_text(value)} → half-even {rounded}"
        )
    return lines


def example_lines(
    frame: pd.DataFrame,
    texts: list[list[tuple[str, str]]],
    ours: pd.DataFrame,
    peer: np.ndarray,
    failures: np.ndarray,
    position: int,
) -> list[str]:
    row = frame.iloc[position]
    given = ", ".join(f"{POLLUTANTS[c][1]} {t}" for c, (_, t) in zip(COLUMNS, texts[position], strict=True))
    primary = ours["primary_pollutant"].iloc[position] or "—"
    verdict = failures[position] or f"{int(peer[position])}"
    lines = [
        f"  row {position}: {given}",
        f"    ours (HJ 633—2012) AQI {int(ours['aqi'].iloc[position])} (primary {primary}); python-aqi {verdict}",
    ]
    # The pollutants that decide either AQI, where the two sub-indices differ.
    ours_iaqi = {c: ours[f"iaqi_{'o3' if c == 'o3_8h' else c}"].iloc[position] for c in COLUMNS}
    shown = 0
    for column in COLUMNS:
        _, text = texts[position][COLUMNS.index(column)]
        peer_iaqi = variant_iaqi(np.array([row[column]]), column, gapped=True, truncate=True, round_up=False)[0]
        decides = (
            ours_iaqi[column] == ours["aqi"].iloc[position]
            or (not math.isnan(peer[position]) and peer_iaqi == peer[position])
            or math.isnan(peer_iaqi)
        )
        if decides and (math.isnan(peer_iaqi) or peer_iaqi != ours_iaqi[column]):
            lines += explain(column, text)
            shown += 1
        if shown == 2:
            break
    return lines


# --------------------------------------------------------------------------- report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--peer-rows",
        type=int,
        default=100_000,
        help="rows python-aqi runs on (default 100,000; its time per row is extrapolated)",
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20140211)
    parser.add_argument("--examples", type=int, default=2, help="worked examples per cause")
    args = parser.parse_args(argv)
    rows, peer_count = args.rows, min(args.peer_rows, args.rows)

    frame = generate(rows, args.seed)
    ours_s, ours = run_ours(frame, args.repeat)
    sample = frame.iloc[:peer_count].reset_index(drop=True)
    texts = peer_rows(sample)
    peer_s, peer, failures = run_peer(texts, args.repeat)

    ours_per_row = ours_s / rows
    peer_per_row = peer_s / peer_count
    ratio = peer_per_row / ours_per_row
    extrapolated = peer_count < rows

    aqi_values = ours["aqi"].to_numpy()
    categories = ours["category"].value_counts(normalize=True).sort_index()
    print(f"rows: {rows:,} daily rows of six pollutants (PM2.5 PM10 SO2 NO2 CO O3_8h), HJ 633—2012, seed {args.seed}")
    print(
        f"generated AQI: median {np.median(aqi_values):.0f}, 95th percentile {np.percentile(aqi_values, 95):.0f}, "
        f"max {aqi_values.max():.0f}; categories 1–6: " + " ".join(f"{int(k)}:{v:.1%}" for k, v in categories.items())
    )
    print(f"python-aqi {aqi.__version__}, algo {aqi.ALGO_MEP}; timings best of {args.repeat}")
    print()
    print(f"{'':44}{'ours':>16}{'python-aqi':>16}")
    print(f"{'rows run':44}{rows:>16,}{peer_count:>16,}")
    print(f"{'seconds for the rows run':44}{ours_s:>16.3f}{peer_s:>16.3f}")
    print(f"{'microseconds per row':44}{ours_per_row * 1e6:>16.3f}{peer_per_row * 1e6:>16.3f}")
    print(f"{'rows per second':44}{1 / ours_per_row:>16,.0f}{1 / peer_per_row:>16,.0f}")
    peer_total = peer_per_row * rows
    mark = " *" if extrapolated else ""
    print(f"{f'seconds for {rows:,} rows':44}{ours_s:>16.3f}{peer_total:>14.3f}{mark:2}")
    print(f"{'ratio (peer s per row / ours s per row)':44}{ratio:>16.1f}{1.0:>16.1f}")
    if extrapolated:
        print(
            f"* python-aqi ran on the first {peer_count:,} rows only (the rows are drawn independently); "
            f"its {rows:,}-row time is its per-row time × {rows:,}, extrapolated, not measured"
        )

    # --- disagreements on the rows both ran ------------------------------------------------
    mine = ours.iloc[:peer_count].reset_index(drop=True)
    ours_aqi = mine["aqi"].to_numpy()
    failed = failures != ""
    emulated = variant_aqi(sample, gapped=True, truncate=True, round_up=False)
    emulation_ok = int(((emulated == peer) | (np.isnan(emulated) & failed)).sum())
    table = attribute(sample, peer, failed, ours_aqi)
    disagree = table["disagree"].to_numpy()
    count = int(disagree.sum())
    delta = np.where(failed, np.nan, peer - ours_aqi)
    peer_category = np.searchsorted([50, 100, 150, 200, 300], peer, side="left") + 1
    category_differs = ~failed & (peer_category != mine["category"].to_numpy(dtype=float, na_value=0))

    print()
    print(
        f"where python-aqi disagrees with HJ 633—2012 (ours) on the {peer_count:,} rows both ran: "
        f"{count:,} rows ({count / peer_count:.1%}); python-aqi lower on {int((delta < 0).sum()):,}, "
        f"higher on {int((delta > 0).sum()):,}, failing on {int(failed.sum()):,}; "
        f"a different category (优…严重污染) on {int(category_differs.sum()):,}"
    )
    print(
        f"(a vectorised re-enactment of python-aqi's arithmetic reproduces its {peer_count:,} answers "
        f"{emulation_ok:,} times: it is what splits the causes below)"
    )
    print()
    header = f"{'cause (python-aqi departures that change the AQI)':58}{'rows':>8}{'share':>8}{'mean |Δ|':>10}{'max |Δ|':>9}{'category≠':>10}"
    print(header)
    print("-" * len(header))
    groups = table[disagree].groupby("cause", sort=False).size().sort_values(ascending=False)
    for cause, rows_in in groups.items():
        members = (table["cause"] == cause).to_numpy() & disagree
        spread = np.abs(delta[members])
        spread = spread[~np.isnan(spread)]
        mean = f"{spread.mean():.2f}" if spread.size else "—"
        peak = f"{spread.max():.0f}" if spread.size else "—"
        print(
            f"{cause:58}{rows_in:>8,}{rows_in / peer_count:>8.2%}{mean:>10}{peak:>9}"
            f"{int(category_differs[members].sum()):>10,}"
        )
    print("-" * len(header))
    print(f"{'all disagreements':58}{count:>8,}{count / peer_count:>8.2%}")
    print()
    print("each departure alone: rows whose AQI it changes (a row may have several)")
    for key in ("gapped", "truncate", "round", "above"):
        changed = int((table[f"step_{key}"].to_numpy() & disagree).sum())
        print(f"  {CAUSES[key]:22}{changed:>8,}  {WHY[key]}")

    print()
    print("worked examples")
    for cause in groups.index:
        members = np.flatnonzero((table["cause"] == cause).to_numpy() & disagree)[: args.examples]
        print(f" [{cause}]")
        for position in members:
            for line in example_lines(sample, texts, mine, peer, failures, int(position)):
                print(line)

    print()
    print(
        f"BENCH aqi ratio={ratio:.1f} rows={rows} ours_s={ours_s:.4f} peer_s_per_row={peer_per_row:.3e} "
        f"disagreements={count} peer_rows={peer_count}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
