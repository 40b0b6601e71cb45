"""Import of forecast and observation files (forecasts/imports.py): the service, the command
line and the inbox folder. Runs on PostgreSQL (COPY path) and SQLite (bulk_create path)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit.models import AuditEntry
from forecasts import imports as imports_module
from forecasts import selectors
from forecasts.domain.series import build_series
from forecasts.imports import ForecastImportRejected, forecast_import, forecast_preview, inbox_scan
from forecasts.models import AirQualityRecord, Evaluation, ForecastImport
from forecasts.tasks import scan_inbox

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO.parent / "shared" / "samples"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))

SAMPLE_COUNTS = {
    # file: (rows, period, area codes)
    "hourly-aqi.csv": (84, "hour", ["140300"]),
    "daily-ranges-gbk.csv": (4, "day", ["140300"]),
    "county-so2.csv": (24, "hour", ["140321"]),
    "ozone-daily.json": (4, "day", ["140300"]),
}

BAD_CSV = (
    "area,time,aqi,pm25\n阳泉市,2025-02-03 06:00,90,60\n阳泉市,2025-02-03 7点,95,-5\n阳泉市,2025-02-03 08:00,100,62\n"
).encode()


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def csv_bytes(rows: list[dict]) -> bytes:
    return pd.DataFrame(rows).to_csv(index=False).encode()


# --------------------------------------------------------------------------- the service


@pytest.mark.parametrize("name", sorted(SAMPLE_COUNTS))
def test_each_sample_imports_with_its_counts_and_is_evaluated(name, plan, eager, django_capture_on_commit_callbacks):
    rows, period, codes = SAMPLE_COUNTS[name]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outcome = forecast_import(data=sample(name), name=name, channel="command")
    assert len(callbacks) >= 1
    record = outcome.import_
    assert not outcome.duplicate
    assert (outcome.row_count, outcome.stored_count) == (rows, rows)
    assert (record.row_count, record.stored_count, record.period, record.area_codes) == (rows, rows, period, codes)
    assert record.kinds == ["forecast"]
    assert record.file_size == len(sample(name))
    assert AirQualityRecord.objects.filter(source_import=record).count() == rows
    evaluation = Evaluation.objects.get(source_import=record)
    assert evaluation.trigger == Evaluation.Trigger.IMPORT
    assert evaluation.level == EXPECTED[name]["level"]
    if "recommendation" in EXPECTED[name]:
        assert evaluation.recommendation == EXPECTED[name]["recommendation"]
    if EXPECTED[name].get("ozone_prompt"):
        assert evaluation.ozone_prompt is True
    if "so2_alerts" in EXPECTED[name]:
        assert [a["area"] for a in evaluation.result["so2_alerts"]] == ["平定县"]


def test_import_is_audited_and_evaluated_only_after_commit(plan, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outcome = forecast_import(data=sample("hourly-aqi.csv"), name="hourly-aqi.csv", channel="api")
        assert not Evaluation.objects.exists()
    assert len(callbacks) == 1
    entry = AuditEntry.objects.get(action="forecasts.import.stored")
    assert entry.target_id == str(outcome.import_.pk)
    assert entry.data["stored_count"] == 84 and entry.data["channel"] == "api"
    callbacks[0]()
    assert Evaluation.objects.filter(source_import=outcome.import_).count() == 1


def test_the_same_file_twice_is_a_duplicate_and_stores_nothing(plan, eager, django_capture_on_commit_callbacks):
    data = sample("hourly-aqi.csv")
    with django_capture_on_commit_callbacks(execute=True):
        first = forecast_import(data=data, name="hourly-aqi.csv", channel="page")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = forecast_import(data=data, name="renamed.csv", channel="inbox")
    assert again.duplicate is True
    assert again.import_.pk == first.import_.pk
    assert (again.row_count, again.stored_count) == (84, 0)
    assert callbacks == []
    assert ForecastImport.objects.count() == 1
    assert AirQualityRecord.objects.count() == 84
    assert Evaluation.objects.count() == 1


def test_a_bad_file_is_rejected_whole_with_every_error_named(plan):
    with pytest.raises(ForecastImportRejected) as caught:
        forecast_import(data=BAD_CSV, name="bad.csv", channel="api")
    errors = {(e.row, e.column): e.message for e in caught.value.errors}
    assert (3, "time") in errors and "7点" in errors[(3, "time")]
    assert (3, "pm25") in errors and "负数" in errors[(3, "pm25")]
    assert all(e.file == "bad.csv" for e in caught.value.errors)
    summary = str(caught.value)
    assert "bad.csv" in summary and "2 处错误" in summary and "未导入任何数据" in summary
    assert ForecastImport.objects.count() == 0
    assert AirQualityRecord.objects.count() == 0
    assert not AuditEntry.objects.filter(action="forecasts.import.stored").exists()


def test_preview_reads_without_writing(plan):
    result = forecast_preview(data=sample("daily-ranges-gbk.csv"), name="daily-ranges-gbk.csv")
    assert result.ok and result.period == "day" and len(result.frame) == 4
    bad = forecast_preview(data=BAD_CSV, name="bad.csv")
    assert {(e.row, e.column) for e in bad.errors} == {(3, "time"), (3, "pm25")}
    assert ForecastImport.objects.count() == 0 and AirQualityRecord.objects.count() == 0


def test_issued_at_defaults_to_the_observation_time_or_the_import_time(plan):
    data = csv_bytes(
        [
            {"time": "2025-02-03 06:00", "aqi": 90, "kind": "observed"},
            {"time": "2025-02-03 07:00", "aqi": 95, "kind": "forecast"},
            {"time": "2025-02-03 08:00", "aqi": 99, "kind": "forecast", "issued_at": "2025-02-02 16:00"},
        ]
    )
    outcome = forecast_import(data=data, name="mixed.csv", channel="api")
    by_row = {r.row: r for r in AirQualityRecord.objects.filter(source_import=outcome.import_)}
    observed, unstated, stated = by_row[2], by_row[3], by_row[4]
    assert observed.issued_at == observed.time and observed.issued_at_given is False
    assert unstated.issued_at_given is False
    assert abs((unstated.issued_at - outcome.import_.created_at).total_seconds()) < 60
    assert stated.issued_at_given is True
    assert stated.issued_at == pd.Timestamp("2025-02-02 16:00", tz="Asia/Shanghai")
    assert stated.area.code == "140300" and stated.aqi == 99
    assert outcome.import_.kinds == ["forecast", "observed"]


def test_rows_identical_to_stored_ones_are_skipped_not_errors(plan):
    rows = [{"area": "平定县", "time": f"2025-01-20 {h:02d}:00", "so2": 100 + h, "kind": "observed"} for h in range(6)]
    first = forecast_import(data=csv_bytes(rows), name="a.csv", channel="api")
    more = rows + [
        {"area": "平定县", "time": f"2025-01-20 {h:02d}:00", "so2": 100 + h, "kind": "observed"} for h in (6, 7)
    ]
    second = forecast_import(data=csv_bytes(more), name="b.csv", channel="api")
    assert (first.stored_count, second.row_count, second.stored_count) == (6, 8, 2)
    assert second.import_.stored_count == 2
    assert AirQualityRecord.objects.count() == 8
    assert AirQualityRecord.objects.filter(source_import=second.import_).count() == 2


def test_newest_issue_wins_and_observation_beats_forecast_in_the_stored_series(plan):
    hours = [f"2025-02-03 {h:02d}:00" for h in range(6)]
    older = [{"time": t, "aqi": 100, "issued_at": "2025-02-02 08:00", "source": "气象台"} for t in hours]
    newer = [{"time": t, "aqi": 150, "issued_at": "2025-02-02 16:00"} for t in hours[2:]]
    observed = [{"time": t, "aqi": 60, "kind": "observed"} for t in hours[:3]]
    for name, rows in (("newer.csv", newer), ("observed.csv", observed), ("older.csv", older)):
        forecast_import(data=csv_bytes(rows), name=name, channel="api")
    frame = selectors.stored_frame()
    assert len(frame) == 6 + 4 + 3  # every issue is kept
    series = build_series(frame)["140300"]
    assert series["aqi"].tolist() == [60, 60, 60, 150, 150, 150]
    assert series["kind"].tolist() == ["observed"] * 3 + ["forecast"] * 3
    assert series["issued_at"].iloc[3] == pd.Timestamp("2025-02-02 16:00", tz="Asia/Shanghai")


def test_the_bulk_path_matches_the_database(plan):
    """PostgreSQL: COPY into a temporary table and INSERT … ON CONFLICT; SQLite: bulk_create."""
    rows = [
        {
            "area": code,
            "time": f"2025-03-0{d} {h:02d}:00",
            "pm25": 35.5,
            "pm10": 80,
            "so2": 5,
            "no2": 20,
            "o3": 60,
            "co": 0.6,
            "o3_8h": 55,
            "dust": 1 if h == 3 else 0,
            "primary_pollutant": "PM2.5",
            "source": '监测\t中心,"站"',
            "aqi_low": 40,
            "aqi_high": 60,
            "kind": "observed",
        }
        for code in ("140302", "kfq")
        for d in (1, 2)
        for h in range(24)
    ]
    outcome = forecast_import(data=csv_bytes(rows), name="full.csv", channel="command")
    assert outcome.stored_count == 96
    stored = AirQualityRecord.objects.get(area__code="kfq", time=pd.Timestamp("2025-03-02 03:00", tz="Asia/Shanghai"))
    assert (stored.pm25, stored.co, stored.o3_8h, stored.aqi, stored.aqi_low, stored.aqi_high) == (
        35.5,
        0.6,
        55,
        None,
        40,
        60,
    )
    assert stored.dust is True and stored.primary_pollutant == "PM2.5" and stored.source == '监测\t中心,"站"'
    assert stored.period == "hour" and stored.kind == "observed" and stored.row > 1
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the staging table is gone
            cursor.execute(
                "SELECT count(*) FROM pg_class WHERE relname LIKE 'aq_import_stage_%%' AND relpersistence = 't'"
            )
            assert cursor.fetchone()[0] == 0


# --------------------------------------------------------------------------- command line


def test_command_imports_good_files_and_exits_2_for_a_bad_one(plan, tmp_path):
    good, bad = tmp_path / "hourly.csv", tmp_path / "bad.csv"
    good.write_bytes(sample("hourly-aqi.csv"))
    bad.write_bytes(BAD_CSV)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_forecast", str(bad), str(good), stdout=out, stderr=err)
    assert caught.value.returncode == 2
    assert "其余文件已导入" in str(caught.value)
    assert "hourly.csv：已导入" in out.getvalue() and "新存入 84 行" in out.getvalue()
    stderr = err.getvalue()
    assert "bad.csv：第 3 行「time」列：无法识别的时间" in stderr
    assert "bad.csv：第 3 行「pm25」列：不能为负数" in stderr
    assert ForecastImport.objects.get().channel == "command"
    assert AirQualityRecord.objects.count() == 84


def test_command_reports_a_duplicate(plan, tmp_path):
    path = tmp_path / "ozone.json"
    path.write_bytes(sample("ozone-daily.json"))
    call_command("import_forecast", str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_forecast", str(path), stdout=out)
    assert "重复文件" in out.getvalue()
    assert ForecastImport.objects.count() == 1


# --------------------------------------------------------------------------- inbox folder


def _age(path: Path, seconds: int = 120) -> None:
    stamp = path.stat().st_mtime - seconds
    os.utime(path, (stamp, stamp))


def test_inbox_scan_moves_files_and_a_second_scan_does_nothing(
    plan, tmp_path, settings, eager, django_capture_on_commit_callbacks
):
    settings.FORECAST_INBOX_DIR = tmp_path
    (tmp_path / "hourly-aqi.csv").write_bytes(sample("hourly-aqi.csv"))
    (tmp_path / "ozone.json").write_bytes(sample("ozone-daily.json"))
    (tmp_path / "bad.csv").write_bytes(BAD_CSV)
    (tmp_path / "readme.txt").write_text("not a data file")
    for path in tmp_path.iterdir():
        _age(path)

    with django_capture_on_commit_callbacks(execute=True):
        report = scan_inbox()
    assert {(item["name"], item["status"]) for item in report} == {
        ("hourly-aqi.csv", "stored"),
        ("ozone.json", "stored"),
        ("bad.csv", "rejected"),
    }
    assert sorted(p.name for p in (tmp_path / "done").iterdir()) == ["hourly-aqi.csv", "ozone.json"]
    assert sorted(p.name for p in (tmp_path / "rejected").iterdir()) == ["bad.csv", "bad.csv.errors.txt"]
    errors = (tmp_path / "rejected" / "bad.csv.errors.txt").read_text(encoding="utf-8")
    assert "[第 3 行 「time」列]" in errors and "[第 3 行 「pm25」列]" in errors and "负数" in errors
    assert list((tmp_path / "processing").iterdir()) == []
    assert (tmp_path / "readme.txt").exists()
    assert set(ForecastImport.objects.values_list("channel", flat=True)) == {"inbox"}
    assert ForecastImport.objects.count() == 2
    assert Evaluation.objects.count() == 2

    assert scan_inbox() == []
    assert ForecastImport.objects.count() == 2

    # The same file dropped in again: a duplicate, moved to done/ beside the first.
    (tmp_path / "hourly-aqi.csv").write_bytes(sample("hourly-aqi.csv"))
    _age(tmp_path / "hourly-aqi.csv")
    report = scan_inbox()
    assert [(item["name"], item["status"]) for item in report] == [("hourly-aqi.csv", "duplicate")]
    assert sorted(p.name for p in (tmp_path / "done").iterdir()) == ["hourly-aqi.1.csv", "hourly-aqi.csv", "ozone.json"]
    assert ForecastImport.objects.count() == 2


def test_inbox_leaves_files_still_being_written(plan, tmp_path):
    (tmp_path / "fresh.csv").write_bytes(sample("county-so2.csv"))
    assert inbox_scan(directory=tmp_path, settle_seconds=60) == []
    assert (tmp_path / "fresh.csv").exists()
    assert ForecastImport.objects.count() == 0


def test_inbox_skips_a_file_another_scan_claimed_first(plan, tmp_path, monkeypatch):
    (tmp_path / "a.csv").write_bytes(sample("county-so2.csv"))
    (tmp_path / "b.json").write_bytes(sample("ozone-daily.json"))
    real_rename = os.rename

    def rival_wins_a(src, dst):
        if Path(src).name == "a.csv":  # the other scan renamed it between our listing and our rename
            real_rename(src, Path(src).parent / "processing" / "rival--a.csv")
        return real_rename(src, dst)

    monkeypatch.setattr(imports_module.os, "rename", rival_wins_a)
    report = inbox_scan(directory=tmp_path, settle_seconds=0)
    assert [(item.name, item.status) for item in report] == [("b.json", "stored")]
    assert (tmp_path / "processing" / "rival--a.csv").exists()
    assert ForecastImport.objects.count() == 1
