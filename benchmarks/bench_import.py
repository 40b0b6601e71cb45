"""Benchmark of forecast imports against raw PostgreSQL COPY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yq .venv/bin/python benchmarks/bench_import.py [--rows 200000]

Creates its own scratch database (``bench_<NAME>``, dropped at the end) through Django's test
database machinery, loads the plan's areas, generates hourly observations for the 7 areas
(200,000 rows ≈ 3.3 years) and times, best of ``--repeat`` runs:

(a) the reference: raw psycopg ``COPY … FROM STDIN`` (``write_row``) of the same rows, already
    in memory as tuples, into an UNLOGGED table without indexes or constraints;
(b) ours, end to end: ``forecast_import`` from the CSV bytes (read and validate every row, then
    store: import row, COPY into a temporary table, INSERT … ON CONFLICT DO NOTHING into the
    indexed table, audit);
(c) ours, the store step alone (after reading): ``forecast_store`` of the read result.

``--row-by-row`` also times, once, ``read_file``'s row-by-row path (the reader before its
column-at-a-time fast path; about 50 µs a row, so 10 s for 200,000 rows).

The evaluation the import asks for after commit runs in a worker and is not timed here.
Ends with exactly one line:
``BENCH import ratio=<copy_s / ours_s> rows=<n> ours_s=<b> copy_s=<a> rows_per_s=<n / b> store_s=<c> store_ratio=<a / c>``
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yangquan_aqi.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

AREA_CODES = ("140300", "140302", "140303", "140311", "140321", "140322", "kfq")


def generate_csv(rows: int, seed: int = 20250203) -> bytes:
    """Hourly observations of the 7 areas, as an office would export them."""
    rng = np.random.default_rng(seed)
    per_area = -(-rows // len(AREA_CODES))
    hours = pd.date_range("2022-01-01 00:00", periods=per_area, freq="h", tz="Asia/Shanghai").strftime("%Y-%m-%d %H:%M")
    parts = []
    for code in AREA_CODES:
        pm25 = rng.gamma(2.0, 25.0, per_area).round(1)
        parts.append(
            pd.DataFrame(
                {
                    "area": code,
                    "time": hours,
                    "aqi": np.clip(pm25 * 1.3 + rng.normal(10, 5, per_area), 5, 500).round(),
                    "primary_pollutant": np.where(pm25 > 35, "PM2.5", ""),
                    "pm25": pm25,
                    "pm10": (pm25 * 1.6).round(1),
                    "so2": rng.gamma(2.0, 8.0, per_area).round(1),
                    "no2": rng.gamma(3.0, 10.0, per_area).round(1),
                    "o3": rng.gamma(3.0, 25.0, per_area).round(1),
                    "co": rng.gamma(2.0, 0.4, per_area).round(2),
                    "kind": "observed",
                    "source": "生态环境监测中心",
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True).iloc[:rows]
    return frame.to_csv(index=False).encode("utf-8")


def best_of(repeat: int, prepare, run) -> float:
    times = []
    for _ in range(repeat):
        prepare()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def _encoded_rows(columns: str) -> bytes:
    """The reference table's rows in COPY text format, as the server writes them (read back once)."""
    with transaction.atomic(), connection.connection.cursor() as cursor:
        with cursor.copy(f"COPY bench_copy_ref ({columns}) TO STDOUT") as copy:
            return b"".join(bytes(chunk) for chunk in copy)


def truncate_imports() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE forecasts_airqualityrecord, forecasts_forecastimport RESTART IDENTITY CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--row-by-row", action="store_true", help="also time read_file's row-by-row path once (slow)")
    args = parser.parse_args()

    if connection.vendor != "postgresql":
        sys.exit("bench_import needs PostgreSQL: set DATABASE_URL=postgres://…")

    original = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{original}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        run(args.rows, args.repeat, row_by_row=args.row_by_row)
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)


def run(rows: int, repeat: int, *, row_by_row: bool = False) -> None:
    from command.models import Area
    from command.services import plan_load
    from forecasts.domain.readers import read_file
    from forecasts.domain.readers.read import _Reader
    from forecasts.imports import STORED_COLUMNS, copy_payload, forecast_import, forecast_store, stored_rows

    plan_load()
    data = generate_csv(rows)
    print(f"rows: {rows:,}  CSV: {len(data) / 1e6:.1f} MB  areas: {len(AREA_CODES)}  repeat: best of {repeat}")

    start = time.perf_counter()
    result = read_file(data, "bench.csv")
    read_s = time.perf_counter() - start
    assert result.ok and len(result.frame) == rows, result.errors[:3]
    slow_read_s = None
    if row_by_row:
        start = time.perf_counter()
        slow = _Reader("bench.csv", data, fast=False).read()
        slow_read_s = time.perf_counter() - start
        pd.testing.assert_frame_equal(slow.frame, result.frame)
    area_ids = dict(Area.objects.values_list("code", "pk"))
    stored = stored_rows(result, area_ids=area_ids, imported_at=pd.Timestamp.now(tz="Asia/Shanghai"))
    tuples = [
        tuple(None if (isinstance(v, float) and np.isnan(v)) else v for v in row)
        for row in stored.astype(object).itertuples(index=False, name=None)
    ]
    tuples = [tuple(v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in row) for row in tuples]
    start = time.perf_counter()
    copy_payload(stored)
    payload_s = time.perf_counter() - start

    columns = ", ".join(f'"{c}"' for c in STORED_COLUMNS)
    raw_columns = """area_id bigint, period varchar(8), "time" timestamptz, kind varchar(16),
        issued_at timestamptz, issued_at_given boolean, aqi double precision, aqi_low double precision,
        aqi_high double precision, primary_pollutant varchar(40), pm25 double precision, pm10 double precision,
        so2 double precision, no2 double precision, o3 double precision, co double precision,
        o3_8h double precision, dust boolean, source varchar(100), "row" integer"""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE UNLOGGED TABLE bench_copy_ref ({raw_columns})")

    def reset_reference() -> None:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE bench_copy_ref")

    def reference() -> None:
        with transaction.atomic():
            with connection.connection.cursor() as cursor:
                with cursor.copy(f"COPY bench_copy_ref ({columns}) FROM STDIN") as copy:
                    for row in tuples:
                        copy.write_row(row)

    copy_s = best_of(repeat, reset_reference, reference)

    encoded = _encoded_rows(columns)

    def reference_bytes() -> None:
        with transaction.atomic():
            with connection.connection.cursor() as cursor:
                with cursor.copy(f"COPY bench_copy_ref ({columns}) FROM STDIN") as copy:
                    copy.write(encoded)

    copy_bytes_s = best_of(repeat, reset_reference, reference_bytes)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_copy_ref")
        assert cursor.fetchone()[0] == rows

    outcomes = []
    with mock.patch("core.outbox._enqueue"):  # the evaluation after commit is not measured here
        ours_s = best_of(
            repeat,
            truncate_imports,
            lambda: outcomes.append(forecast_import(data=data, name="bench.csv", channel="command")),
        )
        store_s = best_of(
            repeat,
            truncate_imports,
            lambda: outcomes.append(forecast_store(result, size=len(data), channel="command")),
        )
    assert all(o.stored_count == rows and not o.duplicate for o in outcomes), [o.stored_count for o in outcomes]

    table = [
        ("(a) raw COPY write_row → UNLOGGED table, no indexes (reference)", copy_s),
        ("(a') the same, rows pre-encoded: server time only (lower bound)", copy_bytes_s),
        ("(b) forecast_import end to end (read + validate + store)", ours_s),
        ("(c) store step alone (forecast_store after reading)", store_s),
        ("    of which read_file (parse + validate every row)", read_s),
        ("    of which the binary COPY payload (numpy, vectorised)", payload_s),
    ]
    if slow_read_s is not None:
        table.append(("    read_file row by row (without the fast path), for comparison", slow_read_s))
    print(f"{'step':<68} {'seconds':>8} {'rows/s':>10} {'copy_s/x':>8}")
    for label, seconds in table:
        print(f"{label:<68} {seconds:8.3f} {rows / seconds:10,.0f} {copy_s / seconds:8.3f}")
    print(
        f"BENCH import ratio={copy_s / ours_s:.4f} rows={rows} ours_s={ours_s:.3f} copy_s={copy_s:.3f} "
        f"rows_per_s={rows / ours_s:.0f} store_s={store_s:.3f} store_ratio={copy_s / store_s:.4f}"
    )


if __name__ == "__main__":
    main()
