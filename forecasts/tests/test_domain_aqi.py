"""The HJ 633 AQI engine (空气质量指数): tables, rounding, special rules, editions, vectorisation.

Pure tests: no database, no Django settings needed (run with ``-p no:django`` if you like).
Every expected value is worked by hand in the comment beside it:
IAQI = IAQI_lo + (IAQI_hi − IAQI_lo) × (C − BP_lo) / (BP_hi − BP_lo), then rounded up.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecasts.domain.aqi import (
    DISPLAY,
    EDITION_2012,
    EDITION_2026,
    POLLUTANTS,
    SWITCH,
    aqi_from_concentrations,
    category_numbers,
    compute_aqi_frame,
    edition_for,
    iaqi,
    normalise_edition,
    round_half_even,
)
from forecasts.domain.categories import CATEGORIES, Category, category_for

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "yangquan-daily-2013-2017.csv"


def one(conc: float, pollutant: str, averaging: str, edition: str) -> float:
    return float(iaqi(conc, pollutant, averaging, edition))


# --------------------------------------------------------------------------- hand-computed IAQI

HAND_2012 = [
    # PM2.5 24h (0,35,75,115,150,250,350,500)
    (0, "pm25", "24h", 0),
    (10, "pm25", "24h", 15),  # 50×10/35 = 14.29 → 15
    (35, "pm25", "24h", 50),
    (35.1, "pm25", "24h", 51),  # 50 + 50×0.1/40 = 50.125 → 51
    (47.6, "pm25", "24h", 66),  # 50 + 50×12.6/40 = 65.75 → 66
    (75, "pm25", "24h", 100),  # the 2012 IAQI-100 limit, exactly 100 (not 101)
    (75.1, "pm25", "24h", 101),  # 100 + 50×0.1/40 = 100.125 → 101
    (115, "pm25", "24h", 150),
    (150, "pm25", "24h", 200),
    (151, "pm25", "24h", 201),  # 200 + 100×1/100 = 201
    (250, "pm25", "24h", 300),
    (350, "pm25", "24h", 400),
    (500, "pm25", "24h", 500),
    (652.3, "pm25", "24h", 500),  # above the table
    # PM10 24h (0,50,150,250,350,420,500,600)
    (50, "pm10", "24h", 50),
    (99.3, "pm10", "24h", 75),  # 50 + 50×49.3/100 = 74.65 → 75
    (150, "pm10", "24h", 100),
    (150.5, "pm10", "24h", 101),  # 100 + 50×0.5/100 = 100.25 → 101
    (420, "pm10", "24h", 300),
    (541.9, "pm10", "24h", 442),  # 400 + 100×41.9/100 = 441.9 → 442
    (600, "pm10", "24h", 500),
    (601, "pm10", "24h", 500),
    # SO2 24h (0,50,150,475,800,1600,2100,2620)
    (186.5, "so2", "24h", 106),  # 100 + 50×36.5/325 = 105.62 → 106
    (475, "so2", "24h", 150),
    (800, "so2", "24h", 200),
    (1200, "so2", "24h", 250),  # 200 + 100×400/800 = 250
    (2620, "so2", "24h", 500),
    (3000, "so2", "24h", 500),
    # SO2 1h (0,150,500,650,800)
    (300, "so2", "1h", 72),  # 50 + 50×150/350 = 71.43 → 72
    (800, "so2", "1h", 200),
    # NO2 24h (0,40,80,180,280,565,750,940) and 1h (0,100,200,700,1200,2340,3090,3840)
    (53.5, "no2", "24h", 67),  # 50 + 50×13.5/40 = 66.875 → 67
    (280, "no2", "24h", 200),
    (565, "no2", "24h", 300),
    (150, "no2", "1h", 75),  # 50 + 50×50/100 = 75
    (2340, "no2", "1h", 300),
    (3840, "no2", "1h", 500),
    # CO 24h (0,2,4,14,24,36,48,60) and 1h (0,5,10,35,60,90,120,150)
    (1.41, "co", "24h", 36),  # 50×1.41/2 = 35.25 → 36
    (2.213, "co", "24h", 56),  # 50 + 50×0.213/2 = 55.325 → 56 (2012: no rounding first)
    (4, "co", "24h", 100),
    (60, "co", "24h", 500),
    (7.5, "co", "1h", 75),  # 50 + 50×2.5/5 = 75
    (150, "co", "1h", 500),
    # O3 8h (0,100,160,215,265,800) and 1h (0,160,200,300,400,800,1000,1200)
    (130, "o3", "8h", 75),  # 50 + 50×30/60 = 75
    (265, "o3", "8h", 200),
    (800, "o3", "8h", 300),
    (180, "o3", "1h", 75),  # 50 + 50×20/40 = 75
    (1000, "o3", "1h", 400),
    (1200, "o3", "1h", 500),
    (1201, "o3", "1h", 500),
]

HAND_2026 = [
    # PM2.5 24h (0,35,60,115,150,250,350,500); concentrations first rounded half-even
    (35, "pm25", "24h", 50),
    (60, "pm25", "24h", 100),  # the 2026 IAQI-100 limit
    (75, "pm25", "24h", 114),  # 100 + 50×15/55 = 113.64 → 114 (hj633.md reference point)
    (151, "pm25", "24h", 201),  # 200 + 100×1/100 = 201 (reference point)
    (60.4, "pm25", "24h", 100),  # → 60 → 100
    (60.5, "pm25", "24h", 100),  # → 60 (half to even) → 100
    (60.6, "pm25", "24h", 101),  # → 61 → 100 + 50/55 = 100.91 → 101
    (61.5, "pm25", "24h", 102),  # → 62 (half to even) → 100 + 100/55 = 101.82 → 102
    (34.5, "pm25", "24h", 49),  # → 34 → 50×34/35 = 48.57 → 49
    (35.5, "pm25", "24h", 52),  # → 36 → 50 + 50×1/25 = 52
    (74.5, "pm25", "24h", 113),  # → 74 → 100 + 50×14/55 = 112.73 → 113
    (75.5, "pm25", "24h", 115),  # → 76 → 100 + 50×16/55 = 114.55 → 115
    (500, "pm25", "24h", 500),
    (500.4, "pm25", "24h", 500),  # → 500 → 500
    (501, "pm25", "24h", 500),  # above the table
    # PM10 24h (0,50,120,250,350,420,500,600)
    (120, "pm10", "24h", 100),
    (120.5, "pm10", "24h", 100),  # → 120 → 100
    (150, "pm10", "24h", 112),  # 100 + 50×30/130 = 111.54 → 112 (reference point)
    (250, "pm10", "24h", 150),
    (601, "pm10", "24h", 500),
    # SO2 24h
    (150, "so2", "24h", 100),  # reference point
    (0.5, "so2", "24h", 0),  # → 0 (half to even)
    (1.5, "so2", "24h", 2),  # → 2 → 50×2/50 = 2
    (2.5, "so2", "24h", 2),  # → 2
    # SO2 1h: above 800 counts as 200
    (800, "so2", "1h", 200),
    (800.4, "so2", "1h", 200),
    (801, "so2", "1h", 200),
    (5000, "so2", "1h", 200),
    # CO, rounded to one decimal half-even on the decimal value as written
    (2.9, "co", "24h", 73),  # 50 + 50×0.9/2 = 72.5 → 73 (reference point)
    (2.25, "co", "24h", 55),  # → 2.2 → 50 + 50×0.2/2 = 55
    (2.35, "co", "24h", 60),  # → 2.4 (the double 2.35 is a hair above; 3 is odd) → 60
    (2.45, "co", "24h", 60),  # → 2.4 → 60
    (2.46, "co", "24h", 63),  # → 2.5 → 62.5 → 63
    (0.15, "co", "24h", 5),  # → 0.2 → 50×0.2/2 = 5
    (0.05, "co", "24h", 0),  # → 0.0
    (2.213, "co", "24h", 55),  # → 2.2 → 55 (2012 gives 56)
    (7.45, "co", "1h", 74),  # → 7.4 → 50 + 50×2.4/5 = 74
    # O3 8h: above 800 counts as 300
    (265, "o3", "8h", 200),
    (800, "o3", "8h", 300),
    (801, "o3", "8h", 300),
    (2000, "o3", "8h", 300),
    (1201, "o3", "1h", 500),
    # NO2
    (80, "no2", "24h", 100),
    (940.2, "no2", "24h", 500),  # → 940 → 500
]


@pytest.mark.parametrize(("conc", "pollutant", "averaging", "expected"), HAND_2012)
def test_iaqi_2012_hand_computed(conc, pollutant, averaging, expected):
    assert one(conc, pollutant, averaging, EDITION_2012) == expected


@pytest.mark.parametrize(("conc", "pollutant", "averaging", "expected"), HAND_2026)
def test_iaqi_2026_hand_computed(conc, pollutant, averaging, expected):
    assert one(conc, pollutant, averaging, EDITION_2026) == expected


@pytest.mark.parametrize(
    ("edition", "pollutant", "conc", "expected"),
    [
        ("2026", "pm25", 75, 114),
        ("2026", "pm25", 151, 201),
        ("2026", "pm10", 150, 112),
        ("2026", "co", 2.9, 73),
        ("2026", "so2", 150, 100),
        ("2012", "pm25", 75, 100),
        ("2012", "pm10", 150, 100),
    ],
)
def test_reference_points_of_the_spec(edition, pollutant, conc, expected):
    assert one(conc, pollutant, "24h", edition) == expected


# --------------------------------------------------------------------------- every breakpoint

# An independent copy of the tables (hj633.md), to check the module's own.
STEPS = (0, 50, 100, 150, 200, 300, 400, 500)
TABLES = {
    "2012": {
        ("so2", "24h"): (0, 50, 150, 475, 800, 1600, 2100, 2620),
        ("so2", "1h"): (0, 150, 500, 650, 800),
        ("no2", "24h"): (0, 40, 80, 180, 280, 565, 750, 940),
        ("no2", "1h"): (0, 100, 200, 700, 1200, 2340, 3090, 3840),
        ("co", "24h"): (0, 2, 4, 14, 24, 36, 48, 60),
        ("co", "1h"): (0, 5, 10, 35, 60, 90, 120, 150),
        ("o3", "8h"): (0, 100, 160, 215, 265, 800),
        ("o3", "1h"): (0, 160, 200, 300, 400, 800, 1000, 1200),
        ("pm10", "24h"): (0, 50, 150, 250, 350, 420, 500, 600),
        ("pm25", "24h"): (0, 35, 75, 115, 150, 250, 350, 500),
    },
}
TABLES["2026"] = {
    **TABLES["2012"],
    ("pm10", "24h"): (0, 50, 120, 250, 350, 420, 500, 600),
    ("pm25", "24h"): (0, 35, 60, 115, 150, 250, 350, 500),
}
# What a value above the top of the column gets (None: not indexed).
ABOVE = {
    "2012": {("so2", "1h"): None, ("o3", "8h"): None},
    "2026": {("so2", "1h"): 200, ("o3", "8h"): 300},
}

BREAKPOINT_CASES = [
    (edition, pollutant, averaging, bp, STEPS[i])
    for edition, table in TABLES.items()
    for (pollutant, averaging), bps in table.items()
    for i, bp in enumerate(bps)
]


@pytest.mark.parametrize(("edition", "pollutant", "averaging", "bp", "step"), BREAKPOINT_CASES)
def test_a_breakpoint_gives_exactly_its_iaqi(edition, pollutant, averaging, bp, step):
    assert one(bp, pollutant, averaging, edition) == step


def oracle(conc: str, pollutant: str, averaging: str, edition: str) -> float | None:
    """Exact rational IAQI of a decimal string (the standard worked by hand, no floats)."""
    value = Decimal(conc)
    if edition == "2026":
        quantum = Decimal("0.1") if pollutant == "co" else Decimal("1")
        value = value.quantize(quantum, rounding=ROUND_HALF_EVEN)
    c = Fraction(value)
    bps = TABLES[edition][(pollutant, averaging)]
    if c > bps[-1]:
        return ABOVE[edition].get((pollutant, averaging), 500)
    for i in range(1, len(bps)):
        if c <= bps[i]:
            lo, hi = Fraction(bps[i - 1]), Fraction(bps[i])
            exact = STEPS[i - 1] + (STEPS[i] - STEPS[i - 1]) * (c - lo) / (hi - lo)
            return math.ceil(exact)
    raise AssertionError("unreachable")


JUST_ABOVE_CASES = [
    (edition, pollutant, averaging, bp, delta)
    for edition, table in TABLES.items()
    for (pollutant, averaging), bps in table.items()
    for bp in bps
    # 2012 indexes the value as given; 2026 rounds to integers (CO to 0.1) first.
    for delta in (("0.001", "0.1") if edition == "2012" else ("0.1", "1") if pollutant == "co" else ("0.4", "0.6", "1"))
]


@pytest.mark.parametrize(("edition", "pollutant", "averaging", "bp", "delta"), JUST_ABOVE_CASES)
def test_just_above_each_breakpoint(edition, pollutant, averaging, bp, delta):
    conc = str(Decimal(bp) + Decimal(delta))
    expected = oracle(conc, pollutant, averaging, edition)
    got = one(float(conc), pollutant, averaging, edition)
    if expected is None:
        assert math.isnan(got)
    else:
        assert got == expected, f"{edition} {pollutant} {averaging} C={conc}"


def test_vectorised_iaqi_matches_exact_arithmetic_on_many_decimal_values():
    rng = np.random.default_rng(633)
    for edition, table in TABLES.items():
        for (pollutant, averaging), bps in table.items():
            top = bps[-1] * 1.1
            scale = 1000 if pollutant == "co" else 100  # CO with 3 decimals, others with 2
            ints = rng.integers(0, int(top * scale), size=400)
            texts = [str(Decimal(int(i)) / scale) for i in ints]
            got = iaqi(np.array([float(t) for t in texts]), pollutant, averaging, edition)
            expected = np.array(
                [np.nan if (e := oracle(t, pollutant, averaging, edition)) is None else e for t in texts]
            )
            np.testing.assert_array_equal(got, expected, err_msg=f"{edition} {pollutant} {averaging}")


# --------------------------------------------------------------------------- rounding, inputs


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (2.25, 1, 2.2),
        (2.35, 1, 2.4),
        (2.45, 1, 2.4),
        (0.5, 0, 0.0),
        (1.5, 0, 2.0),
        (2.5, 0, 2.0),
        (74.5, 0, 74.0),
        (75.5, 0, 76.0),
        (74.51, 0, 75.0),
        (74.49, 0, 74.0),
        (0.15, 1, 0.2),
        (0.25, 1, 0.2),
        (1.05, 1, 1.0),
    ],
)
def test_gb_t_8170_round_half_even_on_the_written_decimal(value, decimals, expected):
    assert float(round_half_even(np.array([value]), decimals)[0]) == expected


def test_iaqi_missing_negative_and_text_inputs():
    got = iaqi(pd.Series([np.nan, None, -1, 35]), "pm25", "24h", "2012")
    assert np.isnan(got[:3]).all()
    assert got[3] == 50
    assert np.isnan(iaqi(pd.array([pd.NA, 75.0], dtype="Float64"), "pm25", "24h", "2012")[0])
    assert iaqi(["75", "x"], "pm25", "24h", "2012")[0] == 100


def test_iaqi_returns_float_array_of_the_input_shape():
    got = iaqi(np.array([[35.0, 75.0], [115.0, 150.0]]), "pm25", "24h", EDITION_2012)
    assert got.dtype == float and got.shape == (2, 2)
    assert got.tolist() == [[50, 100], [150, 200]]


def test_iaqi_takes_one_edition_per_value():
    editions = pd.Series([EDITION_2012, EDITION_2026, "2012", "HJ 633-2026"])
    got = iaqi([75, 75, 801, 801], "pm25", "24h", editions)
    assert got.tolist() == [100, 114, 500, 500]
    so2 = iaqi([801, 801], "so2", "1h", pd.Series(["2012", "2026"]))
    assert math.isnan(so2[0]) and so2[1] == 200


def test_pm_hourly_values_are_indexed_against_the_24_hour_limits():
    assert one(75, "pm25", "1h", "2012") == one(75, "pm25", "24h", "2012") == 100


@pytest.mark.parametrize(
    ("pollutant", "averaging"), [("pm25", "8h"), ("so2", "8h"), ("o3", "24h"), ("co", "8h"), ("nox", "1h")]
)
def test_iaqi_refuses_an_averaging_the_standard_does_not_have(pollutant, averaging):
    with pytest.raises(ValueError):
        iaqi(10, pollutant, averaging, "2026")


def test_unknown_edition_is_refused():
    with pytest.raises(ValueError):
        normalise_edition("HJ 633—2016")
    assert normalise_edition(" HJ633-2012 ") == EDITION_2012
    assert normalise_edition(2026) == EDITION_2026


# --------------------------------------------------------------------------- above-table rules


def frame(**columns) -> pd.DataFrame:
    return pd.DataFrame({k: v if isinstance(v, list) else [v] for k, v in columns.items()})


def test_2012_hourly_so2_above_800_reports_the_24_hour_sub_index():
    # so2_24h 186.5: 100 + 50×36.5/325 = 105.62 → 106
    out = aqi_from_concentrations(frame(so2=900.0, so2_24h=186.5), "hour", EDITION_2012)
    assert out.loc[0, "iaqi_so2"] == 106
    assert out.loc[0, "aqi"] == 106


def test_2012_hourly_so2_above_800_without_24_hour_value_is_absent():
    out = aqi_from_concentrations(frame(so2=900.0, pm25=75.0), "hour", EDITION_2012)
    assert math.isnan(out.loc[0, "iaqi_so2"])
    assert out.loc[0, "aqi"] == 100  # from PM2.5 only
    assert out.loc[0, "primary_pollutant"] == "PM2.5"


def test_2012_hourly_so2_at_or_below_800_ignores_the_24_hour_value():
    out = aqi_from_concentrations(frame(so2=800.0, so2_24h=1600.0), "hour", EDITION_2012)
    assert out.loc[0, "iaqi_so2"] == 200


def test_2026_hourly_so2_above_800_counts_as_200():
    out = aqi_from_concentrations(frame(so2=900.0, so2_24h=1600.0), "hour", EDITION_2026)
    assert out.loc[0, "iaqi_so2"] == 200


def test_2012_daily_o3_8h_above_800_reports_the_1_hour_sub_index():
    # O3 8h 900: not indexed; O3 1h 1000 → 400
    out = aqi_from_concentrations(frame(o3_8h=900.0, o3=1000.0), "day", EDITION_2012)
    assert out.loc[0, "iaqi_o3"] == 400


def test_2012_daily_o3_is_the_larger_of_8_hour_and_1_hour():
    # 8h 150 → 50 + 50×50/60 = 91.67 → 92; 1h 250 → 100 + 50×50/100 = 125
    out = aqi_from_concentrations(frame(o3_8h=150.0, o3=250.0), "day", EDITION_2012)
    assert out.loc[0, "iaqi_o3"] == 125
    out = aqi_from_concentrations(frame(o3_8h=150.0), "day", EDITION_2012)
    assert out.loc[0, "iaqi_o3"] == 92


def test_2026_daily_o3_comes_from_the_8_hour_value_only():
    out = aqi_from_concentrations(frame(o3_8h=900.0, o3=1000.0), "day", EDITION_2026)
    assert out.loc[0, "iaqi_o3"] == 300
    out = aqi_from_concentrations(frame(o3=1000.0, pm25=10.0), "day", EDITION_2026)
    assert math.isnan(out.loc[0, "iaqi_o3"])


def test_hourly_o3_takes_the_8_hour_moving_mean_too():
    # 1h 100 → 50×100/160 = 31.25 → 32; 8h 200 → 100 + 50×40/55 = 136.36 → 137
    out = aqi_from_concentrations(frame(o3=100.0, o3_8h=200.0), "hour", EDITION_2026)
    assert out.loc[0, "iaqi_o3"] == 137
    out = aqi_from_concentrations(frame(o3=100.0), "hour", EDITION_2026)
    assert out.loc[0, "iaqi_o3"] == 32


def test_hourly_2012_o3_8h_above_800_falls_back_to_the_1_hour_value():
    # 1h 850 → 300 + 100×50/200 = 325
    out = aqi_from_concentrations(frame(o3=850.0, o3_8h=820.0), "hour", EDITION_2012)
    assert out.loc[0, "iaqi_o3"] == 325


def test_hour_and_day_use_their_own_limits():
    conc = frame(pm25=75.0, so2=300.0, no2=150.0, co=7.5)
    hour = aqi_from_concentrations(conc, "hour", EDITION_2012).loc[0]
    day = aqi_from_concentrations(conc, "day", EDITION_2012).loc[0]
    assert hour["iaqi_pm25"] == day["iaqi_pm25"] == 100  # PM always against 24-hour limits
    assert hour["iaqi_so2"] == 72  # 1h: 50 + 50×150/350 = 71.43 → 72
    assert day["iaqi_so2"] == 124  # 24h: 100 + 50×150/325 = 123.08 → 124
    assert hour["iaqi_no2"] == 75  # 1h: 50 + 50×50/100 = 75
    assert day["iaqi_no2"] == 135  # 24h: 100 + 50×70/100 = 135
    assert hour["iaqi_co"] == 75  # 1h: 50 + 50×2.5/5 = 75
    assert day["iaqi_co"] == 118  # 24h: 100 + 50×3.5/10 = 117.5 → 118
    assert hour["aqi"] == 100 and hour["primary_pollutant"] == "PM2.5"
    assert day["aqi"] == 135 and day["primary_pollutant"] == "NO2"


def test_period_must_be_hour_or_day():
    with pytest.raises(ValueError):
        aqi_from_concentrations(frame(pm25=10.0), "week", EDITION_2026)


# --------------------------------------------------------------------------- AQI, primary, missing


def test_aqi_is_the_largest_iaqi_and_its_pollutant_is_primary():
    # 2026: PM2.5 75 → 114, PM10 150 → 112, SO2 150 → 100, NO2 40 → 50, O3_8h 100 → 50, CO 2.9 → 73
    out = aqi_from_concentrations(
        frame(pm25=75.0, pm10=150.0, so2=150.0, no2=40.0, o3_8h=100.0, co=2.9), "day", EDITION_2026
    ).loc[0]
    assert [out[f"iaqi_{p}"] for p in POLLUTANTS] == [114, 112, 100, 50, 50, 73]
    assert out["aqi"] == 114
    assert out["primary_pollutant"] == "PM2.5"
    assert out["category"] == 3
    assert bool(out["complete"]) is True


def test_ties_name_every_pollutant_in_the_fixed_order():
    # 2012: every pollutant exactly at its IAQI-100 limit
    out = aqi_from_concentrations(
        frame(co=4.0, o3_8h=160.0, no2=80.0, so2=150.0, pm10=150.0, pm25=75.0), "day", EDITION_2012
    ).loc[0]
    assert out["aqi"] == 100
    assert out["primary_pollutant"] == "PM2.5,PM10,SO2,NO2,O3,CO"
    two = aqi_from_concentrations(frame(pm10=150.0, pm25=75.0, so2=10.0), "day", EDITION_2012)
    assert two.loc[0, "primary_pollutant"] == "PM2.5,PM10"


@pytest.mark.parametrize(
    ("pm25", "expected_aqi", "expected_primary"),
    [
        (35.0, 50, ""),  # AQI 50: no primary pollutant
        (35.1, 51, "PM2.5"),  # 2012: 50.125 → 51, above 50
        (0.0, 0, ""),
    ],
)
def test_primary_pollutant_only_above_50(pm25, expected_aqi, expected_primary):
    out = aqi_from_concentrations(frame(pm25=pm25), "day", EDITION_2012).loc[0]
    assert out["aqi"] == expected_aqi
    assert out["primary_pollutant"] == expected_primary


def test_missing_pollutants_and_empty_rows():
    data = pd.DataFrame(
        {
            "pm25": [75.0, np.nan, np.nan],
            "pm10": [np.nan, 150.0, np.nan],
        },
        index=["a", "b", "c"],
    )
    out = aqi_from_concentrations(data, "day", EDITION_2012)
    assert list(out.index) == ["a", "b", "c"]
    assert list(out.columns) == [
        "iaqi_pm25", "iaqi_pm10", "iaqi_so2", "iaqi_no2", "iaqi_o3", "iaqi_co",
        "aqi", "primary_pollutant", "category", "complete",
    ]  # fmt: skip
    assert out["aqi"].iloc[:2].tolist() == [100, 100]
    assert math.isnan(out.loc["c", "aqi"])
    assert out["primary_pollutant"].tolist() == ["PM2.5", "PM10", ""]
    assert out["category"].dtype == "Int64"
    assert out["category"].iloc[:2].tolist() == [2, 2] and pd.isna(out.loc["c", "category"])
    assert out["complete"].dtype == bool and not out["complete"].any()
    assert out["iaqi_so2"].isna().all()


def test_an_empty_frame_gives_an_empty_result():
    out = aqi_from_concentrations(pd.DataFrame({"pm25": []}), "hour", EDITION_2026)
    assert len(out) == 0 and "aqi" in out.columns


def test_editions_series_per_row_in_a_frame():
    data = frame(pm25=[75.0, 75.0], pm10=[150.0, 150.0])
    out = aqi_from_concentrations(data, "day", pd.Series([EDITION_2012, EDITION_2026]))
    assert out["aqi"].tolist() == [100, 114]
    assert out["primary_pollutant"].tolist() == ["PM2.5,PM10", "PM2.5"]


# --------------------------------------------------------------------------- categories


@pytest.mark.parametrize(
    ("aqi", "number", "name"),
    [
        (0, 1, "优"),
        (50, 1, "优"),
        (50.5, 2, "良"),
        (51, 2, "良"),
        (100, 2, "良"),
        (101, 3, "轻度污染"),
        (150, 3, "轻度污染"),
        (151, 4, "中度污染"),
        (200, 4, "中度污染"),
        (201, 5, "重度污染"),
        (300, 5, "重度污染"),
        (301, 6, "严重污染"),
        (500, 6, "严重污染"),
    ],
)
@pytest.mark.parametrize("edition", [EDITION_2012, EDITION_2026])
def test_category_bands(aqi, number, name, edition):
    category = category_for(aqi, edition)
    assert isinstance(category, Category)
    assert (category.number, category.name) == (number, name)
    assert category_numbers(np.array([aqi])).iloc[0] == number  # the vectorised path agrees


def test_category_of_a_missing_aqi_is_none():
    assert category_for(float("nan"), EDITION_2026) is None
    assert category_for(None, EDITION_2012) is None


def test_category_tables_of_both_editions():
    for edition in (EDITION_2012, EDITION_2026):
        categories = CATEGORIES[edition]
        assert [c.number for c in categories] == [1, 2, 3, 4, 5, 6]
        assert [c.level for c in categories] == ["一级", "二级", "三级", "四级", "五级", "六级"]
        assert [c.rgb for c in categories] == [
            (0, 228, 0), (255, 255, 0), (255, 126, 0), (255, 0, 0), (153, 0, 76), (126, 0, 35)
        ]  # fmt: skip
        assert [c.hex for c in categories] == [
            "#00E400", "#FFFF00", "#FF7E00", "#FF0000", "#99004C", "#7E0023"
        ]  # fmt: skip
    old, new = CATEGORIES[EDITION_2012], CATEGORIES[EDITION_2026]
    assert "易感人群" in old[2].health_effect and "敏感人群" in new[2].health_effect
    assert old[2].advice.startswith("儿童") and new[2].advice.startswith("青少年儿童")
    assert "心脏病" in old[3].advice and "心血管系统疾病" in new[3].advice
    assert new[0].aqi_min == 1 and old[0].aqi_min == 0
    assert old[4].health_effect.startswith("心脏病和肺病患者")
    with pytest.raises(AttributeError):
        old[0].name = "x"  # frozen


# --------------------------------------------------------------------------- editions in time


@pytest.mark.parametrize(
    ("value", "edition"),
    [
        ("2026-02-28T23:59:59+08:00", EDITION_2012),
        ("2026-03-01T00:00:00+08:00", EDITION_2026),
        ("2026-03-01T00:00+08:00", EDITION_2026),
        ("2026-02-28T16:00:00Z", EDITION_2026),  # = 2026-03-01 00:00 in Shanghai
        ("2026-02-28T15:59:59Z", EDITION_2012),
        ("2026-02-28 23:00", EDITION_2012),  # naive = Shanghai
        ("2026-03-01 00:00", EDITION_2026),
        ("2026-03-01", EDITION_2026),
        ("2013-12-02", EDITION_2012),
        (None, EDITION_2026),
        (pd.Timestamp("2026-02-28 23:00"), EDITION_2012),
        (pd.Timestamp("2026-02-28 16:00", tz="UTC"), EDITION_2026),
    ],
)
def test_edition_switch_at_2026_03_01_shanghai(value, edition):
    assert edition_for(pd.Series([value], dtype=object)).iloc[0] == edition


def test_edition_for_datetime_columns_keeps_the_index():
    aware = pd.Series(pd.date_range("2026-02-28 22:00", periods=4, freq="h", tz="Asia/Shanghai"), index=[5, 6, 7, 8])
    got = edition_for(aware)
    assert list(got.index) == [5, 6, 7, 8]
    assert got.tolist() == [EDITION_2012, EDITION_2012, EDITION_2026, EDITION_2026]
    naive = pd.Series(pd.to_datetime(["2026-02-28 23:00", "2026-03-01 00:00", None]))
    assert edition_for(naive).tolist() == [EDITION_2012, EDITION_2026, EDITION_2026]
    assert edition_for(pd.Series([SWITCH])).tolist() == [EDITION_2026]


# --------------------------------------------------------------------------- compute_aqi_frame


def test_compute_aqi_frame_picks_the_edition_from_time():
    data = pd.DataFrame(
        {
            "area": ["阳泉市"] * 3,
            "time": ["2026-02-28T23:00+08:00", "2026-03-01 00:00", None],
            "pm25": [75.0, 75.0, 75.0],
            "aqi": [1, 2, 3],  # recomputed from the concentrations
        }
    )
    out = compute_aqi_frame(data, "hour")
    assert out["standard"].tolist() == [EDITION_2012, EDITION_2026, EDITION_2026]
    assert out["aqi"].tolist() == [100, 114, 114]
    assert out["category_name"].tolist() == ["良", "轻度污染", "轻度污染"]
    assert list(out.columns) == [
        "area", "time", "pm25",
        "iaqi_pm25", "iaqi_pm10", "iaqi_so2", "iaqi_no2", "iaqi_o3", "iaqi_co",
        "aqi", "primary_pollutant", "category", "category_name", "complete", "standard",
    ]  # fmt: skip
    assert data["aqi"].tolist() == [1, 2, 3]  # the input is not modified


def test_compute_aqi_frame_daily_rows_use_that_day_at_midnight():
    data = pd.DataFrame({"date": ["2026-02-28", "2026-03-01"], "pm10": [150.0, 150.0]})
    out = compute_aqi_frame(data, "day")
    assert out["standard"].tolist() == [EDITION_2012, EDITION_2026]
    assert out["aqi"].tolist() == [100, 112]


def test_compute_aqi_frame_forced_standard_and_rows_without_time():
    data = pd.DataFrame({"date": ["2026-03-01"], "pm25": [75.0]})
    assert compute_aqi_frame(data, "day", "2012")["aqi"].tolist() == [100]
    assert compute_aqi_frame(data, "day", "2026")["standard"].tolist() == [EDITION_2026]
    bare = pd.DataFrame({"pm25": [75.0]})
    assert compute_aqi_frame(bare, "day")["standard"].tolist() == [EDITION_2026]


def test_compute_aqi_frame_empty_category_name_without_pollutants():
    out = compute_aqi_frame(pd.DataFrame({"date": ["2025-01-01"], "pm25": [np.nan]}), "day")
    assert out.loc[0, "category_name"] == ""
    assert pd.isna(out.loc[0, "category"])
    assert out.loc[0, "primary_pollutant"] == ""


# --------------------------------------------------------------------------- speed


# --------------------------------------------------------------------------- a real record


@pytest.fixture(scope="module")
def yangquan() -> pd.DataFrame:
    if not DATA.exists():
        pytest.skip(f"{DATA} not present")
    data = pd.read_csv(DATA)
    computed = compute_aqi_frame(data.rename(columns={"aqi": "file_aqi", "primary_pollutant": "file_primary"}), "day")
    assert (computed["standard"] == EDITION_2012).all()
    return computed


def test_yangquan_primary_pollutant_of_the_file_has_our_largest_iaqi(yangquan):
    """The file's primary pollutant was derived by HJ 633—2012 (24-hour limits): it must be
    among the pollutants whose IAQI we find largest (the file names one of a tie; it sets O3
    from a value the file does not carry, so those days are left out)."""
    named = yangquan["file_primary"].fillna("")
    days = yangquan[(named != "") & (named != "O3")]
    iaqis = days[[f"iaqi_{p}" for p in POLLUTANTS]]
    top = iaqis.eq(iaqis.max(axis=1), axis=0)
    column = days["file_primary"].map({v: f"iaqi_{k}" for k, v in DISPLAY.items()})
    ok = np.array([top.at[i, column[i]] for i in days.index])
    bad = days.loc[~ok, ["date", "file_primary", "primary_pollutant", "file_aqi", "aqi"]]
    assert ok.mean() >= 0.99, f"{len(bad)} of {len(days)} days disagree:\n{bad.to_string()}"


def test_yangquan_aqi_agrees_with_the_file(yangquan):
    """The file's AQI is the source's (aqistudy.cn), not recomputed: it is not the AQI of the
    file's own daily means on most days (it agrees exactly on about one day in five, within ±1
    on about half). The category agrees on about nine days in ten; the 2013-12-19…30 and
    2014-02-25 days that the data README calls inconsistent are the largest gaps."""
    suspect = yangquan["date"].between("2013-12-19", "2013-12-30") | (yangquan["date"] == "2014-02-25")
    good = yangquan[~suspect]
    file_category = pd.cut(good["file_aqi"], [-1, 50, 100, 150, 200, 300, np.inf], labels=False) + 1
    same_category = (file_category == good["category"]).mean()
    exact = (good["file_aqi"] == good["aqi"]).mean()
    within_10 = ((good["file_aqi"] - good["aqi"]).abs() <= 10).mean()
    far = good.loc[(good["file_aqi"] - good["aqi"]).abs() > 25, ["date", "file_aqi", "aqi", "pm25", "pm10", "so2"]]
    report = (
        f"exact {exact:.1%}, within ±10 {within_10:.1%}, same category {same_category:.1%}; "
        f"days more than 25 apart:\n{far.to_string()}"
    )
    assert same_category >= 0.88, report
    assert within_10 >= 0.88, report
    # The worst days the README warns about really are far off (the check has teeth).
    bad = yangquan[suspect]
    assert ((bad["file_aqi"] - bad["aqi"]).abs() > 25).sum() >= 5


def test_compute_aqi_frame_with_aware_times_and_a_duplicated_index():
    times = pd.Series(pd.to_datetime(["2026-02-28 23:00", "2026-03-01 00:00"]).tz_localize("Asia/Shanghai"))
    data = pd.DataFrame({"time": times.to_numpy(), "pm25": [75.0, 75.0]}, index=[7, 7])
    out = compute_aqi_frame(data, "hour")
    assert out["aqi"].tolist() == [100, 114]
    assert out["standard"].tolist() == [EDITION_2012, EDITION_2026]
    assert out["primary_pollutant"].tolist() == ["PM2.5", "PM2.5"]
    assert out["category"].dtype == "Int64" and out["complete"].dtype == bool
