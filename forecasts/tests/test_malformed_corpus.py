"""A corpus of malformed forecast files (forecasts/tests/corpus/ and the binary ones made here):
each is refused as a whole by ``forecasts.imports.forecast_import`` with
``ForecastImportRejected``, its errors say where (row as a person counts it, column as the file
writes it) and what, and nothing of it is stored. A file over the upload limit is refused by the
API before it is read (413), and a large valid file is read in reasonable time.
"""

from __future__ import annotations

import io
import random
import time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from audit.models import AuditEntry
from forecasts.domain.readers import MAX_ERRORS, read_file
from forecasts.domain.readers.read import _Reader
from forecasts.imports import ForecastImportRejected, forecast_import
from forecasts.models import AirQualityRecord, Evaluation, ForecastImport

CORPUS = Path(__file__).resolve().parent / "corpus"
IMPORTS = "/api/v1/forecasts/imports/"
FILE = None  # an error about the whole file: no row, no column

# file → (the errors' (row, column), a fragment of the first error's message). Rows are those a
# person counts in the file (the header is row 1; JSON counts records from 1).
COMMITTED: dict[str, tuple[list[tuple[int | None, str | None]], str]] = {
    "empty.csv": ([(FILE, FILE)], "文件为空"),
    "header-only.csv": ([(FILE, FILE)], "文件没有数据行"),
    "missing-time-column.csv": ([(FILE, FILE)], "缺少「时间」（time）或「日期」（date）列"),
    "misspelt-time-column.csv": ([(FILE, FILE)], "未识别的列：「tiem」"),
    "misspelt-value-column.csv": ([(2, None), (3, None)], "未识别的列：「aqii」"),
    "text-in-numbers.csv": ([(3, "pm25"), (4, "aqi")], "不是数值「八十」"),
    "negative-aqi.csv": ([(3, "aqi")], "不能为负数「-5」"),
    "negative-concentration.csv": ([(3, "二氧化硫")], "不能为负数「-3.5」"),
    "infinite-number.csv": ([(3, "aqi")], "不是有限的数值「inf」"),
    "absurd-aqi.csv": ([(3, "aqi")], "AQI「5000」不合理（HJ 633 的 AQI 最大为 500"),
    "absurd-pm25.csv": ([(3, "pm25")], "PM2.5浓度「99999」不合理"),
    "duplicate-hours.csv": ([(4, "time")], "与第 3 行重复"),
    "hourly-and-daily-mixed.csv": ([(3, None)], "一个文件只能包含小时数据或日数据之一"),
    "unknown-area.csv": ([(3, "area")], "未知的区域「北京市」"),
    "unknown-pollutant.csv": ([(3, "primary_pollutant")], "未知的污染物「PM1」"),
    "unknown-kind.csv": ([(3, "kind")], "未知的类型「guess」"),
    "bad-date.csv": ([(3, "date")], "无法识别的日期「2025-02-30」"),
    "minutes-not-zero.csv": ([(3, "time")], "不是整点"),
    "aqi-low-above-high.csv": ([(2, "AQI下限")], "AQI下限 150 大于 AQI上限 120"),
    "row-without-a-value.csv": ([(3, None)], "缺少 AQI、AQI上限或污染物浓度"),
    "bad-dust-flag.csv": ([(3, "dust")], "无法识别的沙尘标记「maybe」"),
    "bad-issued-at.csv": ([(3, "issued_at")], "无法识别的发布时间「yesterday」"),
    "invalid.json": ([(FILE, FILE)], "无法解析 JSON（第 3 行第 1 列）"),
    "not-a-list.json": ([(FILE, FILE)], "JSON 文件应为对象的列表"),
    "list-of-numbers.json": ([(FILE, FILE)], "其中没有一个对象"),
    "json-mixed-rows.json": ([(2, None), (3, "aqi")], "第 2 条记录：不是一个对象"),
    "not-a-spreadsheet.xlsx": ([(FILE, FILE)], "内容不是 .xlsx 格式"),
}

HOURLY = "区域,时间,AQI,PM2.5\n阳泉市,2025-01-10 00:00,120,85\n城区,2025-01-10 01:00,130,90\n"


def _xlsx(*rows: list[object]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _many(value: str, rows: int = 300) -> bytes:
    lines = ["area,time,aqi"]
    lines += [f"阳泉市,{stamp:%Y-%m-%d %H:%M},{value}" for stamp in pd.date_range("2025-01-10", periods=rows, freq="h")]
    return ("\n".join(lines) + "\n").encode()


def generated() -> dict[str, tuple[bytes, list[tuple[int | None, str | None]], str]]:
    """The binary files, made here rather than committed."""
    many = [(row, "aqi") for row in range(2, MAX_ERRORS + 2)] + [(FILE, FILE)]
    return {
        "utf-16.csv": (HOURLY.encode("utf-16"), [(FILE, FILE)], "可能是 UTF-16"),
        "utf-16le-without-bom.csv": (HOURLY.encode("utf-16-le"), [(FILE, FILE)], "可能是 UTF-16"),
        # Japanese headers in Shift-JIS: GB 18030 reads other characters, so no header is known.
        "shift-jis-headers.csv": (
            "地域,時刻,AQI\n東京都,2025-01-10 00:00,120\n".encode("shift_jis"),
            [(FILE, FILE)],
            "文件编码不是 UTF-8/GBK",
        ),
        # ASCII headers, an area name in Shift-JIS: the garbled name is shown where it stands.
        "shift-jis-values.csv": (
            "area,time,aqi\n城区,2025-01-10 00:00,120\n".encode("shift_jis"),
            [(2, "area")],
            "未知的区域",
        ),
        "gbk-unknown-area.csv": (
            "区域,时间,AQI\n阳泉市,2025-01-10 00:00,120\n太原市,2025-01-10 00:00,90\n".encode("gbk"),
            [(3, "区域")],
            "未知的区域「太原市」",
        ),
        "binary-garbage.csv": (random.Random(20250210).randbytes(4096), [(FILE, FILE)], "无法识别的文件编码"),
        "old-excel.xls": (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024),
            [(FILE, FILE)],
            "不支持旧版 Excel（.xls）",
        ),
        "corrupt.xlsx": (b"PK\x03\x04" + random.Random(3).randbytes(512), [(FILE, FILE)], "无法读取 Excel 文件"),
        "no-rows.xlsx": (_xlsx(), [(FILE, FILE)], "文件为空"),
        "header-only.xlsx": (_xlsx(["区域", "时间", "AQI"]), [(FILE, FILE)], "文件没有数据行"),
        "bad-cells.xlsx": (
            _xlsx(["区域", "时间", "AQI"], ["阳泉市", "2025-01-10 00:00", 120], ["阳泉市", "2025-01-10 01:00", "很高"]),
            [(3, "AQI")],
            "不是数值「很高」",
        ),
        "too-many-errors.csv": (_many("-1"), many, "不能为负数"),
        "too-many-absurd-values.csv": (_many("9999"), many, "AQI「9999」不合理"),
    }


GENERATED = generated()
CASES = {**{name: ((CORPUS / name).read_bytes(), *expected) for name, expected in COMMITTED.items()}, **GENERATED}


def counts() -> dict[str, int]:
    return {
        "imports": ForecastImport.objects.count(),
        "records": AirQualityRecord.objects.count(),
        "evaluations": Evaluation.objects.count(),
        "audit": AuditEntry.objects.filter(action__startswith="forecasts.import").count(),
    }


@pytest.fixture
def stored(plan):
    """One good import already in place, so that "nothing stored" is a count that stays put."""
    outcome = forecast_import(data=HOURLY.encode(), name="good.csv", channel=ForecastImport.Channel.API)
    assert outcome.stored_count == 2
    return outcome


def test_the_corpus_has_at_least_twenty_files_and_every_committed_one_is_listed():
    assert len(CASES) >= 20
    assert {path.name for path in CORPUS.iterdir()} == set(COMMITTED)


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(CASES))
def test_a_malformed_file_is_rejected_saying_where_and_what_and_nothing_is_stored(name, stored):
    data, expected, fragment = CASES[name]
    before = counts()
    assert before["imports"] == 1 and before["records"] == 2

    with pytest.raises(ForecastImportRejected) as caught:
        forecast_import(data=data, name=name, channel=ForecastImport.Channel.API)

    errors = caught.value.errors
    assert [(error.row, error.column) for error in errors] == expected
    assert fragment in errors[0].message
    assert all(error.file == name for error in errors)
    for error in errors:
        if error.row is not None:  # the message itself says where, as a person reads the file
            unit = "条记录" if name.endswith(".json") else "行"
            assert error.message.startswith(f"第 {error.row} {unit}")
            if error.column is not None:
                assert f"「{error.column}」" in error.message
    assert name in str(caught.value) and "未导入任何数据" in str(caught.value)
    assert counts() == before


def test_an_error_list_is_capped_and_says_how_many_more_there_are():
    result = read_file(GENERATED["too-many-absurd-values.csv"][0], "many.csv")
    assert len(result.errors) == MAX_ERRORS + 1
    assert result.errors[-1].message == f"错误过多：仅列出前 {MAX_ERRORS} 条，另有 {300 - MAX_ERRORS} 条未列出"


def test_values_up_to_the_plausibility_ceilings_are_accepted():
    data = (
        "area,time,aqi,aqi_low,aqi_high,pm25,pm10,so2,no2,o3,o3_8h,co\n"
        "阳泉市,2025-01-10 00:00,999,480,999,5000,20000,10000,10000,2000,2000,200\n"
    ).encode()
    over = data.replace(b",200\n", b",200.1\n")
    for fast in (True, False):  # the column-at-a-time reader and the row-by-row one
        assert _Reader("ceilings.csv", data, fast=fast).read().ok
        [error] = _Reader("over.csv", over, fast=fast).read().errors
        assert (error.row, error.column) == (2, "co")
        assert (
            error.message == "第 2 行「co」列：CO浓度「200.1」不合理（上限 200 毫克/立方米）：请检查是否录错或单位有误"
        )


# --------------------------------------------------------------------------- big files


def _hourly_csv(rows: int, seed: int = 7) -> bytes:
    """Valid hourly rows of the seven areas, as an office exports them."""
    rng = np.random.default_rng(seed)
    codes = ["140300", "140302", "140303", "140311", "140321", "140322", "kfq"]
    per_area = -(-rows // len(codes))
    hours = pd.date_range("2020-01-01 00:00", periods=per_area, freq="h").strftime("%Y-%m-%d %H:%M")
    parts = [
        pd.DataFrame(
            {
                "area": code,
                "time": hours,
                "aqi": rng.integers(20, 300, per_area),
                "pm25": rng.gamma(2.0, 25.0, per_area).round(1),
                "pm10": rng.gamma(2.0, 45.0, per_area).round(1),
                "kind": "observed",
            }
        )
        for code in codes
    ]
    return pd.concat(parts).head(rows).to_csv(index=False).encode()


@pytest.mark.django_db
def test_a_file_over_the_upload_limit_is_refused_by_size_through_the_api_with_413(client, make_user, settings, stored):
    size = max(25 * 1024 * 1024, settings.FORECAST_MAX_UPLOAD_BYTES + 1024 * 1024)
    data = _hourly_csv(1)
    data += b"\n" * (size - len(data))  # a valid file, padded: refused for its size alone
    client.force_login(make_user(Role.FORECASTER))
    before = counts()

    response = client.post(IMPORTS, {"file": SimpleUploadedFile("huge.csv", data, content_type="text/csv")})

    assert response.status_code == 413
    # Refused by the request ceiling (accounts/uploads.py) before the body is read: where and what.
    body = response.json()
    assert body["code"] == "too_large" and body["limit_bytes"] >= settings.FORECAST_MAX_UPLOAD_BYTES, body
    assert "过大" in body["detail"] and "上限为 20 MB" in body["detail"], body
    assert counts() == before


def test_a_150000_row_valid_csv_is_read_in_reasonable_time():
    data = _hourly_csv(150_000)
    start = time.perf_counter()
    result = read_file(data, "year-of-seven-areas.csv")
    elapsed = time.perf_counter() - start
    assert result.ok, result.errors[:3]
    assert len(result.frame) == 150_000 and result.period == "hour"
    assert sorted(result.frame["area_code"].unique()) == [
        "140300",
        "140302",
        "140303",
        "140311",
        "140321",
        "140322",
        "kfq",
    ]
    # Generous for a loaded CI machine: the reader takes well under a second for this on an idle
    # core; the bound catches a path that turned quadratic, not a slow day.
    assert elapsed < 60, elapsed
