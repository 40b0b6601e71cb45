"""``manage.py evaluate_forecast`` (interfaces.md §2): classifies files, stores nothing."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO.parent / "shared" / "samples"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))


def run(*args: str) -> tuple[dict, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("evaluate_forecast", *args, "--json", stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def manage(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "manage.py", "evaluate_forecast", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )


def assert_expected(got: dict, expected: dict) -> None:
    for key, want in expected.items():
        if isinstance(want, list):
            assert len(got[key]) == len(want), key
            for got_item, want_item in zip(got[key], want, strict=True):
                assert {k: got_item[k] for k in want_item} == want_item, key
        else:
            assert got[key] == want, key


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_sample_gives_its_expected_outcome(name):
    got, _ = run(str(SAMPLES / name))
    assert_expected(got, EXPECTED[name])
    assert isinstance(got["reasons"], list) and got["reasons"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_sample_exits_0_with_one_json_object(name):
    completed = manage(str(SAMPLES / name), "--json")
    assert completed.returncode == 0, completed.stderr
    assert_expected(json.loads(completed.stdout), EXPECTED[name])


def test_several_files_are_evaluated_together():
    got, _ = run(str(SAMPLES / "county-so2.csv"), str(SAMPLES / "daily-ranges-gbk.csv"))
    assert got["level"] == "orange"
    assert [a["area"] for a in got["so2_alerts"]] == ["平定县"]
    assert got["now"] == "2025-01-10T00:00:00+08:00"  # the first hour in the files


def test_active_level_and_now():
    got, _ = run(str(SAMPLES / "daily-ranges-gbk.csv"), "--active-level", "yellow", "--now", "2025-01-10T00:00+08:00")
    assert got["recommendation"] == "upgrade"
    assert got["approver"] == "vice_commander"
    assert got["active_level"] == "yellow"


def test_human_readable_output_without_json():
    out = io.StringIO()
    call_command("evaluate_forecast", str(SAMPLES / "hourly-aqi.csv"), stdout=out, stderr=io.StringIO())
    assert "预警级别：黄色" in out.getvalue()


def test_bad_file_errors_on_stderr(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("区域,时间,AQI\n阳泉市,2025-01-10 00:00,80\n阳泉市,2025-13-01 00:00,80\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("evaluate_forecast", str(bad), "--json", stdout=io.StringIO(), stderr=err)
    assert caught.value.returncode == 2
    assert "bad.csv：第 3 行「时间」列：无法识别的时间「2025-13-01 00:00」" in err.getvalue()


def test_bad_input_exits_2_with_file_row_and_column(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("time,aqi\n2025-01-10 00:00,80\n2025-01-10 01:00,-7\n", encoding="utf-8")
    completed = manage(str(SAMPLES / "hourly-aqi.csv"), str(bad), "--json")
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert "bad.csv：第 3 行「aqi」列：不能为负数「-7」" in completed.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--active-level", "purple"],
        ["--now", "yesterday"],
    ],
)
def test_bad_options_exit_2(args):
    completed = manage(str(SAMPLES / "hourly-aqi.csv"), "--json", *args)
    assert completed.returncode == 2
    assert completed.stdout == ""


def test_missing_file_exits_2(tmp_path):
    completed = manage(str(tmp_path / "nope.csv"), "--json")
    assert completed.returncode == 2
    assert "nope.csv" in completed.stderr
