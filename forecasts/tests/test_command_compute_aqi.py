"""``manage.py compute_aqi`` (interfaces.md §2): reads a file, adds HJ 633 AQI columns, stores nothing."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"

RESULT_COLUMNS = [
    "iaqi_pm25",
    "iaqi_pm10",
    "iaqi_so2",
    "iaqi_no2",
    "iaqi_o3",
    "iaqi_co",
    "aqi",
    "primary_pollutant",
    "category",
    "category_name",
    "complete",
    "standard",
]


def run(path: Path, *args: str) -> tuple[pd.DataFrame, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("compute_aqi", str(path), *args, stdout=out, stderr=err)
    frame = pd.read_csv(io.StringIO(out.getvalue()), dtype=str, keep_default_na=False)
    return frame, err.getvalue()


@pytest.fixture
def hourly(tmp_path: Path) -> Path:
    path = tmp_path / "hourly.csv"
    path.write_text(
        "area,time,pm25,pm10,so2,no2,co,o3\n"
        # 2012: PM2.5 75 → 100, PM10 150 → 100 (tie); SO2 1h 900 not indexed (no 24-hour value)
        "阳泉市,2026-02-28 23:00,75,150,900,40,2.9,100\n"
        # 2026: PM2.5 75.5 → 76 → 115; SO2 1h 900 → 200; CO 2.35 → 2.4 → 1h 50×2.4/5 = 24
        "平定县,2026-03-01T00:00+08:00,75.5,150,900,40,2.35,100\n",
        encoding="utf-8",
    )
    return path


def test_hourly_file_gets_every_result_column(hourly):
    frame, _ = run(hourly, "--period", "hour")
    assert frame.columns[-len(RESULT_COLUMNS) :].tolist() == RESULT_COLUMNS
    assert frame["area"].tolist() == ["阳泉市", "平定县"]
    assert frame["time"].tolist() == ["2026-02-28T23:00:00+08:00", "2026-03-01T00:00:00+08:00"]
    first, second = frame.iloc[0], frame.iloc[1]
    assert first["standard"] == "HJ 633—2012" and second["standard"] == "HJ 633—2026"
    assert (first["iaqi_pm25"], first["iaqi_pm10"], first["iaqi_so2"]) == ("100", "100", "")
    assert first["aqi"] == "100" and first["primary_pollutant"] == "PM2.5,PM10"
    assert (first["category"], first["category_name"], first["complete"]) == ("2", "良", "False")
    assert (second["iaqi_pm25"], second["iaqi_so2"], second["iaqi_co"]) == ("115", "200", "24")
    assert second["aqi"] == "200" and second["primary_pollutant"] == "SO2"
    assert (second["category"], second["category_name"], second["complete"]) == ("4", "中度污染", "True")


def test_the_standard_can_be_forced(hourly):
    frame, _ = run(hourly, "--period", "hour", "--standard", "2026")
    assert frame["standard"].tolist() == ["HJ 633—2026", "HJ 633—2026"]
    assert frame["iaqi_pm25"].tolist() == ["114", "115"]  # 75 → 100 + 50×15/55 = 113.6 → 114


def test_daily_period_uses_24_hour_limits_and_o3_8h(tmp_path):
    path = tmp_path / "daily.csv"
    path.write_text(
        "日期,PM2.5,SO2,O3_8h\n"
        # 2012 daily: SO2 24h 186.5 → 106; O3 8h 130 → 75
        "2025-12-01,10,186.5,130\n"
        # 2026 daily: SO2 150 → 100; O3 8h 900 → 300
        "2026-03-01,10,150,900\n",
        encoding="utf-8",
    )
    frame, _ = run(path, "--period", "day")
    assert frame["date"].tolist() == ["2025-12-01", "2026-03-01"]
    assert frame["iaqi_so2"].tolist() == ["106", "100"]
    assert frame["iaqi_o3"].tolist() == ["75", "300"]
    assert frame["primary_pollutant"].tolist() == ["SO2", "O3"]
    assert frame["area"].tolist() == ["阳泉市", "阳泉市"]  # missing area → the city


def test_writes_to_an_output_file(hourly, tmp_path):
    target = tmp_path / "out.csv"
    out = io.StringIO()
    call_command("compute_aqi", str(hourly), "--period", "hour", "-o", str(target), stdout=out)
    assert out.getvalue() == ""
    frame = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert frame["aqi"].tolist() == ["100", "200"]


def test_gbk_file_with_chinese_headers(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("区域,时间,细颗粒物,可吸入颗粒物\n城区,2025-01-10 08:00,151,0\n".encode("gbk"))
    frame, _ = run(path, "--period", "hour")
    assert frame["area"].tolist() == ["城区"]
    assert frame["aqi"].tolist() == ["201"]  # 2012: 200 + 100×1/100 = 201


def test_the_yangquan_record_is_accepted():
    path = SHARED / "data" / "yangquan-daily-2013-2017.csv"
    if not path.exists():
        pytest.skip("shared data not present")
    frame, _ = run(path, "--period", "day")
    assert len(frame) == 1157
    assert set(frame["standard"]) == {"HJ 633—2012"}
    assert frame.loc[0, "aqi"] == "106"  # 2013-12-02: SO2 186.5 → 100 + 50×36.5/325 = 105.6 → 106


def test_a_file_without_concentrations_gives_empty_results(tmp_path):
    path = tmp_path / "aqi-only.csv"
    path.write_text("date,aqi\n2025-06-01,140\n", encoding="utf-8")
    frame, _ = run(path, "--period", "day")
    row = frame.iloc[0]
    assert row["aqi"] == "" and row["category"] == "" and row["primary_pollutant"] == ""
    assert row["complete"] == "False"


def test_a_bad_file_exits_2_with_every_error_on_stderr(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("area,time,pm25\n阳泉市,2026-02-30 23:00,x\n火星,2026-02-28 23:00,-1\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("compute_aqi", str(path), "--period", "hour", stdout=out, stderr=err)
    assert caught.value.returncode == 2
    assert out.getvalue() == ""
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 4
    assert all(line.startswith("bad.csv：") for line in lines)
    assert "第 2 行「time」列" in lines[0]
    assert any("第 2 行「pm25」列" in line and "不是数值" in line for line in lines)
    assert any("第 3 行「area」列" in line for line in lines)
    assert any("第 3 行「pm25」列" in line and "负数" in line for line in lines)


def test_a_missing_file_exits_2(tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("compute_aqi", str(tmp_path / "nope.csv"), "--period", "day", stderr=io.StringIO())
    assert caught.value.returncode == 2


def test_period_is_required_and_checked(hourly):
    with pytest.raises(CommandError):
        call_command("compute_aqi", str(hourly), stderr=io.StringIO())
    with pytest.raises(CommandError):
        call_command("compute_aqi", str(hourly), "--period", "week", stderr=io.StringIO())


def test_exit_status_on_the_command_line(hourly, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("area,time,pm25\n阳泉市,not a time,1\n", encoding="utf-8")
    failed = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "compute_aqi", str(bad), "--period", "hour"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert failed.returncode == 2
    assert "bad.csv：第 2 行「time」列" in failed.stderr
    ok = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "compute_aqi", str(hourly), "--period", "hour"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.splitlines()[0].endswith(",".join(RESULT_COLUMNS))


@pytest.fixture
def stations_of_one_hour(tmp_path: Path) -> Path:
    path = tmp_path / "stations.csv"
    path.write_text(
        "station,area,time,pm25\n"
        # 2012, PM hourly values against the 24-hour limits: 35 → 50, 75 → 100, 150 → 200
        "大阳泉,阳泉市,2025-01-10 08:00,35\n"
        "平坦,阳泉市,2025-01-10 08:00,75\n"
        "白羊墅,阳泉市,2025-01-10 08:00,150\n",
        encoding="utf-8",
    )
    return path


def test_rows_of_one_hour_are_each_computed(stations_of_one_hour):
    frame, err = run(stations_of_one_hour, "--period", "hour")
    assert frame["time"].tolist() == ["2025-01-10T08:00:00+08:00"] * 3
    assert frame["pm25"].tolist() == ["35", "75", "150"]
    assert frame["aqi"].tolist() == ["50", "100", "200"]
    assert frame["primary_pollutant"].tolist() == ["", "PM2.5", "PM2.5"]
    assert frame["category"].tolist() == ["1", "2", "4"]
    assert "重复" not in err and "「station」" in err  # the unknown column is named, nothing refused


@pytest.mark.django_db
def test_import_still_refuses_rows_of_one_hour(stations_of_one_hour):
    from forecasts.models import AirQualityRecord, ForecastImport

    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_forecast", str(stations_of_one_hour), stdout=io.StringIO(), stderr=err)
    assert caught.value.returncode == 2
    assert "stations.csv：第 3 行「time」列：与第 2 行重复" in err.getvalue()
    assert "stations.csv：第 4 行「time」列：与第 2 行重复" in err.getvalue()
    assert not ForecastImport.objects.exists() and not AirQualityRecord.objects.exists()
