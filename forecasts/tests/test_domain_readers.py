"""Reading forecast files (interfaces.md §1): formats, encodings, headers and every error."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import random
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from forecasts.domain.areas import AREAS, CITY, resolve_area
from forecasts.domain.readers import FRAME_COLUMNS, MAX_ERRORS, ImportError_, columns, parse_time, read, read_file

# shared/ lies beside the repository, on a developer's machine and in CI alike.
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"

CHINESE_CSV = (
    "区域,时间,AQI,AQI下限,AQI上限,首要污染物,类型,发布时间,来源,沙尘\n"
    "阳泉市,2025-01-10 00:00,160,150,190,细颗粒物,预报,2025-01-09 16:00,生态环境监测中心,0\n"
    "平定县,2025-01-10 01:00,170,,,可吸入颗粒物,实况,,气象台,1\n"
    "开发区,2025-01-10 02:00,95,,,臭氧,观测,,,\n"
)


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="Asia/Shanghai")


def messages(result) -> list[str]:
    return [e.message for e in result.errors]


# --------------------------------------------------------------------------- areas


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("阳泉市", "140300"),
        ("140300", "140300"),
        (140300, "140300"),
        (140300.0, "140300"),
        ("140300.0", "140300"),
        ("城区", "140302"),
        ("矿区", "140303"),
        ("郊区", "140311"),
        ("140321", "140321"),
        ("平定县", "140321"),
        ("盂县", "140322"),
        ("阳泉经济技术开发区", "kfq"),
        ("开发区", "kfq"),
        ("KFQ", "kfq"),
        (" 平定县 ", "140321"),
    ],
)
def test_resolve_area_by_name_or_code(text, code):
    area = resolve_area(text)
    assert area is not None
    assert area.code == code


@pytest.mark.parametrize("text", ["太原市", "140100", "", None, 1.5, "foo"])
def test_resolve_area_unknown(text):
    assert resolve_area(text) is None


def test_areas_are_the_seven_of_the_plan():
    assert [a.code for a in AREAS] == ["140300", "140302", "140303", "140311", "140321", "140322", "kfq"]
    assert CITY.name == "阳泉市"
    with pytest.raises(AttributeError):
        AREAS[0].name = "x"  # frozen


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings_with_chinese_headers(encoding):
    result = read_file(CHINESE_CSV.encode(encoding), "forecast.csv")
    assert result.ok, result.errors
    frame = result.frame
    assert list(frame.columns) == list(FRAME_COLUMNS)
    assert result.period == "hour"
    assert list(frame["area_code"]) == ["140300", "140321", "kfq"]
    assert list(frame["area_name"]) == ["阳泉市", "平定县", "阳泉经济技术开发区"]
    assert list(frame["time"]) == [ts("2025-01-10 00:00"), ts("2025-01-10 01:00"), ts("2025-01-10 02:00")]
    assert list(frame["primary_pollutant"]) == ["PM2.5", "PM10", "O3"]
    assert list(frame["kind"]) == ["forecast", "observed", "observed"]
    assert list(frame["dust"]) == [False, True, False]
    assert frame.loc[0, "aqi_low"] == 150 and frame.loc[0, "aqi_high"] == 190
    assert frame.loc[0, "issued_at"] == ts("2025-01-09 16:00")
    assert pd.isna(frame.loc[1, "issued_at"])
    assert list(frame["source"])[:2] == ["生态环境监测中心", "气象台"]
    assert list(frame["row"]) == [2, 3, 4]
    assert (frame["period"] == "hour").all()
    assert str(frame["time"].dtype) == "datetime64[ns, Asia/Shanghai]"


def test_same_content_in_every_encoding_gives_the_same_frame():
    frames = [read_file(CHINESE_CSV.encode(e), "f.csv").frame for e in ("utf-8", "utf-8-sig", "gbk")]
    pd.testing.assert_frame_equal(frames[0], frames[1])
    pd.testing.assert_frame_equal(frames[0], frames[2])


def test_gbk_sample_file_reads_as_daily_ranges():
    result = read_file(SAMPLES / "daily-ranges-gbk.csv")
    assert result.ok
    assert result.period == "day"
    assert list(result.frame["aqi_high"]) == [190, 230, 260, 150]
    assert list(result.frame["time"])[0] == ts("2025-01-10 00:00")
    assert result.name == "daily-ranges-gbk.csv"


def test_path_and_bytes_give_the_same_result():
    path = SAMPLES / "hourly-aqi.csv"
    from_path = read_file(path)
    from_bytes = read_file(path.read_bytes(), "hourly-aqi.csv")
    pd.testing.assert_frame_equal(from_path.frame, from_bytes.frame)
    assert from_path.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert from_path.file_sha256 == from_bytes.file_sha256


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    other = workbook.create_sheet("ignored")
    other.append(["nothing", "here"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_first_sheet_with_datetime_cells_and_numeric_codes():
    data = _xlsx(
        [
            ["Area", "Time", "AQI", "PM2.5", "Kind"],
            [140300, dt.datetime(2025, 1, 10, 0, 0), 120, 90.5, "forecast"],
            ["盂县", "2025-01-10 01:00", 130, None, "observed"],
        ]
    )
    result = read_file(data, "forecast.xlsx")
    assert result.ok, result.errors
    assert list(result.frame["area_code"]) == ["140300", "140322"]
    assert list(result.frame["time"]) == [ts("2025-01-10 00:00"), ts("2025-01-10 01:00")]
    assert result.frame.loc[0, "pm25"] == 90.5
    assert pd.isna(result.frame.loc[1, "pm25"])
    assert list(result.frame["row"]) == [2, 3]


def test_xlsx_errors_name_sheet_rows():
    data = _xlsx([["区域", "日期", "AQI"], ["阳泉市", "2025-01-10", 100], ["阳泉市", "2025-01-32", 100]])
    result = read_file(data, "daily.xlsx")
    assert not result.ok
    assert result.errors[0].row == 3
    assert result.errors[0].column == "日期"
    assert "无法识别的日期「2025-01-32」" in result.errors[0].message


def test_json_list_of_objects():
    result = read_file(SAMPLES / "ozone-daily.json")
    assert result.ok
    assert result.period == "day"
    assert list(result.frame["aqi"]) == [140, 160, 155, 95]
    assert list(result.frame["primary_pollutant"]) == ["O3"] * 4
    assert list(result.frame["row"]) == [1, 2, 3, 4]


def test_json_errors_name_the_object_index_and_key():
    payload = [
        {"time": "2025-01-10T00:00:00+08:00", "aqi": 100},
        {"time": "2025-01-10T01:00:00+08:00", "aqi": "lots"},
    ]
    result = read_file(json.dumps(payload).encode(), "f.json")
    assert [(e.row, e.column) for e in result.errors] == [(2, "aqi")]
    assert result.errors[0].message == "第 2 条记录「aqi」字段：不是数值「lots」"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"time": "2025-01-10"}', "JSON 文件应为对象的列表"),
        (b"[1, 2", "无法解析 JSON"),
    ],
)
def test_json_that_is_not_a_list_of_objects(content, message):
    result = read_file(content, "f.json")
    assert not result.ok
    assert message in result.errors[0].message


def test_json_element_that_is_not_an_object():
    result = read_file(b'[{"time": "2025-01-10 00:00", "aqi": 50}, 7]', "f.json")
    assert [(e.row, e.column) for e in result.errors] == [(2, None)]


def test_headers_are_case_insensitive_and_unknown_columns_are_named():
    text = "AREA,TIME,Aqi,Primary_Pollutant,PM2.5,Remark,风速\n阳泉市,2025-01-10 00:00,80,pm10,30,x,3\n"
    result = read_file(text.encode(), "f.csv")
    assert result.ok
    assert result.frame.loc[0, "primary_pollutant"] == "PM10"
    assert result.frame.loc[0, "pm25"] == 30
    assert len(result.warnings) == 1
    assert "「Remark」" in result.warnings[0] and "「风速」" in result.warnings[0]


def test_missing_area_means_the_city():
    result = read_file(b"time,aqi\n2025-01-10 00:00,80\n", "f.csv")
    assert result.ok
    assert result.frame.loc[0, "area_code"] == "140300"
    assert result.frame.loc[0, "kind"] == "forecast"


# --------------------------------------------------------------------------- times


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-10 08:00", "2025-01-10 08:00"),
        ("2025-01-10T08:00", "2025-01-10 08:00"),
        ("2025-01-10T08:00:00", "2025-01-10 08:00"),
        ("2025-01-10T08:00:00+08:00", "2025-01-10 08:00"),
        ("2025-01-10T00:00:00Z", "2025-01-10 08:00"),
        ("2025-01-10T02:00:00+02:00", "2025-01-10 08:00"),
        ("2025-01-09T19:00-05:00", "2025-01-10 08:00"),
        ("2025/01/10 08:00", "2025-01-10 08:00"),
    ],
)
def test_times_with_and_without_offset(text, expected):
    result = read_file(f"time,aqi\n{text},80\n".encode(), "f.csv")
    assert result.ok, result.errors
    assert result.frame.loc[0, "time"] == ts(expected)
    assert str(result.frame.loc[0, "time"].tz) == "Asia/Shanghai"


def test_daily_rows_start_at_midnight():
    result = read_file("日期,AQI\n2025-01-10,80\n2025-01-11,90\n".encode(), "f.csv")
    assert result.period == "day"
    assert list(result.frame["time"]) == [ts("2025-01-10"), ts("2025-01-11")]
    assert (result.frame["period"] == "day").all()


# --------------------------------------------------------------------------- errors


def test_unparseable_time_names_row_and_column():
    text = "区域,时间,AQI\n阳泉市,2025-01-10 00:00,80\n阳泉市,2025-01-10 01:00,80\n阳泉市,2025-01-10 02:00,80\n阳泉市,2025-13-01,80\n"
    result = read_file(text.encode(), "bad.csv")
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.file, error.row, error.column) == ("bad.csv", 5, "时间")
    assert error.message == "第 5 行「时间」列：无法识别的时间「2025-13-01」"
    assert error.as_dict() == {"file": "bad.csv", "row": 5, "column": "时间", "message": error.message}
    assert str(error) == f"bad.csv：{error.message}"


def test_errors_are_all_collected_and_nothing_is_kept():
    text = (
        "area,time,aqi,aqi_low,aqi_high,primary_pollutant,kind,dust,pm25\n"
        "阳泉市,2025-01-10 00:00,80,,,,,,\n"  # row 2: fine
        "太原市,2025-01-10 01:00,80,,,,,,\n"  # row 3: unknown area
        "阳泉市,2025-01-10 02:00,-5,,,,,,\n"  # row 4: negative
        "阳泉市,2025-01-10 03:00,abc,,,,,,\n"  # row 5: not a number
        "阳泉市,2025-01-10 04:00,,,,,,,\n"  # row 6: no value at all
        "阳泉市,2025-01-10 05:00,,200,150,,,,\n"  # row 7: low > high
        "阳泉市,2025-01-10 06:00,80,,,PM9,,,\n"  # row 8: unknown pollutant
        "阳泉市,2025-01-10 07:00,80,,,,guess,,\n"  # row 9: unknown kind
        "阳泉市,2025-01-10 08:00,80,,,,,maybe,\n"  # row 10: bad dust flag
        "阳泉市,2025-01-10 09:30,80,,,,,,\n"  # row 11: not an hour start
        "阳泉市,2025-01-10 10:00,,,,,,,-1\n"  # row 12: negative concentration
    )
    result = read_file(text.encode(), "bad.csv")
    assert not result.ok
    assert result.frame.empty
    assert list(result.frame.columns) == list(FRAME_COLUMNS)
    found = [(e.row, e.column) for e in result.errors]
    assert found == [
        (3, "area"),
        (4, "aqi"),
        (5, "aqi"),
        (6, None),
        (7, "aqi_low"),
        (8, "primary_pollutant"),
        (9, "kind"),
        (10, "dust"),
        (11, "time"),
        (12, "pm25"),
    ]
    text_of = dict(zip(found, messages(result), strict=True))
    assert "未知的区域「太原市」" in text_of[(3, "area")]
    assert "不能为负数「-5」" in text_of[(4, "aqi")]
    assert "不是数值「abc」" in text_of[(5, "aqi")]
    assert "缺少 AQI、AQI上限或污染物浓度" in text_of[(6, None)]
    assert text_of[(7, "aqi_low")].endswith("AQI下限 200 大于 AQI上限 150")
    assert "未知的污染物「PM9」" in text_of[(8, "primary_pollutant")]
    assert "未知的类型「guess」" in text_of[(9, "kind")]
    assert "不是整点" in text_of[(11, "time")]


def test_mixing_time_and_date_rows_is_an_error():
    text = "time,date,aqi\n2025-01-10 00:00,,80\n,2025-01-11,90\n"
    result = read_file(text.encode(), "mixed.csv")
    assert not result.ok
    assert result.errors[0].row == 3
    assert "只能包含小时数据或日数据之一" in result.errors[0].message


def test_duplicate_rows_are_errors_unless_issued_at_differs():
    text = (
        "area,time,aqi,issued_at\n"
        "阳泉市,2025-01-10 00:00,80,2025-01-09 16:00\n"
        "140300,2025-01-10 00:00,90,2025-01-09 16:00\n"
        "阳泉市,2025-01-10 00:00,95,2025-01-09 20:00\n"
    )
    result = read_file(text.encode(), "dup.csv")
    assert [(e.row, e.column) for e in result.errors] == [(3, "time")]
    assert "与第 2 行重复" in result.errors[0].message

    observed_and_forecast = (
        "area,time,aqi,kind\n阳泉市,2025-01-10 00:00,80,observed\n阳泉市,2025-01-10 00:00,90,forecast\n"
    )
    assert read_file(observed_and_forecast.encode(), "ok.csv").ok


def test_duplicate_rows_are_kept_when_asked_the_same_on_both_paths():
    stations = "area,time,pm25\n" + "阳泉市,2025-01-10 00:00,35\n" * 3
    with_a_bad_number = stations + "阳泉市,2025-01-10 00:00,x\n"
    for text in (stations, with_a_bad_number):
        fast = read_file(text.encode(), "stations.csv", keep_duplicates=True)
        slow = read._Reader("stations.csv", text.encode(), fast=False, keep_duplicates=True).read()
        assert [e.as_dict() for e in fast.errors] == [e.as_dict() for e in slow.errors]
        pd.testing.assert_frame_equal(fast.frame, slow.frame, check_exact=True)
    assert len(read_file(stations.encode(), "stations.csv", keep_duplicates=True).frame) == 3
    assert [e.row for e in fast.errors] == [5]  # only the bad number: the repeated hour is no error
    assert [e.row for e in read_file(stations.encode(), "stations.csv").errors] == [3, 4]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "文件为空"),
        (b"\n\n", "empty.csv", "文件为空"),
        (b"area,time,aqi\n", "header.csv", "文件没有数据行"),
        (
            b"area,aqi\n\xe9\x98\xb3\xe6\xb3\x89\xe5\xb8\x82,80\n",
            "notime.csv",
            "缺少「时间」（time）或「日期」（date）列",
        ),
        (b"\xff\xfe\x00\x00\x81\x30\xff", "binary.csv", "无法识别的文件编码"),
        (b"PK\x03\x04garbage", "broken.xlsx", "无法读取 Excel 文件"),
        (b"\xd0\xcf\x11\xe0old", "old.xls", "不支持旧版 Excel"),
        (b"not a spreadsheet", "fake.xlsx", "内容不是 .xlsx 格式"),
    ],
)
def test_unreadable_files(content, name, message):
    result = read_file(content, name)
    assert not result.ok
    assert result.frame.empty
    assert result.errors[0].row is None
    assert message in result.errors[0].message
    assert result.errors[0].file == name


def test_missing_file_is_an_error_not_an_exception(tmp_path):
    result = read_file(tmp_path / "nope.csv")
    assert not result.ok
    assert "无法读取文件" in result.errors[0].message


def test_errors_are_capped_with_one_line_saying_more_were_cut():
    rows = "".join(f"阳泉市,2025-01-10 00:00,x{i}\n" for i in range(250))
    result = read_file(("area,time,aqi\n" + rows).encode(), "many.csv")
    assert len(result.errors) == MAX_ERRORS + 1
    assert all(isinstance(e, ImportError_) for e in result.errors)
    assert result.errors[MAX_ERRORS - 1].row == MAX_ERRORS + 1
    assert result.errors[-1].row is None
    assert "另有 50 条未列出" in result.errors[-1].message


def test_blank_lines_keep_the_row_numbers_a_person_sees():
    text = "time,aqi\n2025-01-10 00:00,80\n\n2025-01-10 02:00,oops\n"
    result = read_file(text.encode(), "f.csv")
    assert [(e.row, e.column) for e in result.errors] == [(4, "aqi")]


def test_english_headers_are_named_as_written():
    result = read_file(b"Time,AQI\n2025-01-10 00:00,-1\n", "f.csv")
    assert result.errors[0].message == "第 2 行「AQI」列：不能为负数「-1」"


def test_values_marked_missing_are_not_errors():
    text = "time,aqi,pm25,primary_pollutant\n2025-01-10 00:00,40,—,无\n2025-01-10 01:00,45,NA,\n"
    result = read_file(text.encode(), "f.csv")
    assert result.ok, result.errors
    assert result.frame["pm25"].isna().all()
    assert result.frame["primary_pollutant"].isna().all()


def test_tied_primary_pollutants_are_kept_in_order():
    text = 'time,aqi,primary_pollutant\n2025-01-10 00:00,120,"PM2.5,PM10"\n2025-01-10 01:00,120,二氧化硫、二氧化氮\n'
    result = read_file(text.encode(), "f.csv")
    assert list(result.frame["primary_pollutant"]) == ["PM2.5,PM10", "SO2,NO2"]


def test_real_daily_record_reads_without_error():
    data = SAMPLES.parent / "data" / "yangquan-daily-2013-2017.csv"
    if not data.exists():
        pytest.skip("shared data not present")
    result = read_file(data)
    assert result.ok
    assert len(result.frame) == 1157
    assert (result.frame["kind"] == "observed").all()


# --------------------------------------------------------------------------- the fast path
# read_file checks a whole column at a time (forecasts/domain/readers/columns.py) and hands the rows
# with problems to the row-by-row code for their messages. Each file below is read both ways:
# errors (file, row, column, message, order, the cap), warnings, period and frame must agree.


def _row_by_row(data: bytes, name: str):
    return read._Reader(name, data, fast=False).read()


def assert_same_as_row_by_row(data: bytes, name: str):
    slow = _row_by_row(data, name)
    fast = read_file(data, name)
    assert [e.as_dict() for e in fast.errors] == [e.as_dict() for e in slow.errors]
    assert fast.warnings == slow.warnings
    assert fast.period == slow.period
    pd.testing.assert_frame_equal(fast.frame, slow.frame, check_exact=True)
    return fast


@pytest.fixture(autouse=False)
def strict_fast_path(monkeypatch):
    """A disagreement between the fast path's masks and the row messages fails the test instead
    of quietly taking the row-by-row path."""
    monkeypatch.setattr(columns, "STRICT", True)


def _hourly_csv(rows: int, *, seed: int = 1) -> list[list[str]]:
    rng = random.Random(seed)
    codes = ["140300", "城区", "矿区", "郊区", "平定县", "盂县", "开发区"]
    out = [
        [
            "area",
            "time",
            "aqi",
            "aqi_low",
            "aqi_high",
            "primary_pollutant",
            "pm25",
            "o3",
            "kind",
            "dust",
            "issued_at",
            "source",
        ]
    ]
    for i in range(rows):
        hour = pd.Timestamp("2025-01-10 00:00") + pd.Timedelta(hours=i // len(codes))
        pm25 = round(rng.uniform(5, 300), 1)
        out.append(
            [
                codes[i % len(codes)],
                hour.strftime("%Y-%m-%d %H:%M"),
                str(round(pm25 * 1.3)),
                "",
                "",
                "PM2.5" if pm25 > 35 else "",
                str(pm25),
                str(round(rng.uniform(5, 200), 1)),
                "observed",
                "0",
                "",
                "监测中心",
            ]
        )
    return out


def _csv(rows: list[list[str]]) -> bytes:
    return ("\n".join(",".join(row) for row in rows) + "\n").encode()


def test_fast_path_reads_a_valid_file_without_the_row_loop(monkeypatch):
    def no_rows(*args, **kwargs):
        raise AssertionError("a valid file should not go row by row")

    monkeypatch.setattr(read._Reader, "_parse_row", no_rows)
    monkeypatch.setattr(read._Reader, "_parse", no_rows)
    result = read_file(_csv(_hourly_csv(700)), "hourly.csv")
    assert result.ok
    assert len(result.frame) == 700
    assert result.frame.loc[0, "area_code"] == "140300" and result.frame.loc[1, "area_name"] == "城区"
    assert str(result.frame["time"].dtype) == "datetime64[ns, Asia/Shanghai]"


def test_fast_path_gives_the_same_frame_as_row_by_row(strict_fast_path):
    result = assert_same_as_row_by_row(_csv(_hourly_csv(300)), "hourly.csv")
    assert result.ok and len(result.frame) == 300


BAD_CELLS = {
    "area": ["太原市", "", " 阳泉市 ", "140300.0", "KFQ", "x"],
    "time": [
        "2025-13-01",
        "2025-01-10 00:30",
        "",
        "2025/01/10 00:00",
        "2025-01-10T00:00:00+08:00",
        "2025-01-09T16:00:00Z",
        "2025-01-10",
        "2025-1-10 1:00",
        "1990-06-01 02:00",
        "1988-04-10 02:00",
        "2025-01-10T00:00+05:30",
        "2025-01-10T02:30+05:30",
        "abc",
        "2025-02-29 00:00",
        "2024-02-29 00:00",
        "2025-01-10 24:00",
        "2025-01-10 00:00:00.000",
        "2025-01-10T00:00:00+2400",
        "2025-01-10 00:00 +08",
        "2025-01-10 00:00+0800",
        "2025-01-10Z",
        "２０２５-01-10 00:00",
        "2025-01-10t00:00z",
        "1900-01-01 00:00",
    ],
    "aqi": ["-5", "abc", "", "NA", "—", "inf", "nan", "1e3", "1_000", " 7 ", "-0", "+3", "0x10", "１２", "-nan"],
    "aqi_low": ["200", "x", "-1"],
    "aqi_high": ["150", "", "y"],
    "primary_pollutant": ["PM9", "pm10", "PM2.5,PM10", "无", "二氧化硫、二氧化氮", "O₃", "-"],
    "pm25": ["-1", "x", "", "—"],
    "kind": ["guess", "预报", "实况", "", "OBSERVED"],
    "dust": ["maybe", "是", "1.0", ""],
    "issued_at": ["2025-01-09 16:00", "bad", "2025-01-09T08:00Z", ""],
}


@pytest.mark.parametrize("seed", range(40))
def test_fast_path_errors_match_row_by_row_on_damaged_files(strict_fast_path, seed):
    rng = random.Random(seed)
    rows = _hourly_csv(rng.randint(1, 120), seed=seed)
    header = rows[0]
    for _ in range(rng.choice([1, 2, 5, 20, 200])):
        key = rng.choice(list(BAD_CELLS))
        rows[rng.randrange(1, len(rows))][header.index(key)] = rng.choice(BAD_CELLS[key])
    if rng.random() < 0.3:  # repeated rows
        for _ in range(rng.randint(1, 4)):
            rows.insert(rng.randrange(1, len(rows) + 1), list(rng.choice(rows[1:])))
    lines = [",".join(row) for row in rows]
    if rng.random() < 0.3:  # blank lines keep their numbers
        for _ in range(rng.randint(1, 3)):
            lines.insert(rng.randrange(1, len(lines) + 1), rng.choice(["", ",,,", "  "]))
    assert_same_as_row_by_row(("\n".join(lines) + "\n").encode(), f"damaged-{seed}.csv")


@pytest.mark.parametrize(
    "text",
    [
        CHINESE_CSV,
        "time,date,aqi\n2025-01-10 00:00,,80\n,2025-01-11,90\n,2025-01-12,x\n2025-01-10 01:00,,80\n",
        "date,aqi\n2025-01-11,90\n2025-01-11 08:00,90\n2025-01-12T00:00+08:00,1\n2025-01-12T00:00Z,1\n",
        "\n\ntime,aqi\n2025-01-10 00:00,80\n\n2025-01-10 01:00,-1\n",
        "time,TIME,aqi\n1,2,3\n",
        'time,aqi,primary_pollutant\n2025-01-10 00:00,120,"PM2.5,PM10"\n2025-01-10 01:00,120,"x"\n',
        "time,aqi\r\n2025-01-10 00:00,80\r\n2025-01-10 01:00,x\r\n",
        "time,aqi\r2025-01-10 00:00,80\r",
        "time\taqi\n2025-01-10 00:00\t80\n2025-01-10 01:00\t8\t9\n",
        "time,aqi\n2025-01-10 00:00,80,1,2\n2025-01-10 01:00\n",
        "time,aqi,aqi_low,aqi_high\n2025-01-10 00:00,,200,150\n2025-01-10 01:00,,,\n2025-01-10 02:00,,5,\n",
        "Time,AQI,Remark,风速,PM₂.₅\n2025-01-10 00:00,1,a,b,3\n",
        "time,aqi,issued_at\n2025-01-10 00:00,1,2025-01-09 16:00\n2025-01-10 00:00,1,\n2025-01-10 00:00,1,\n"
        "2025-01-10 00:00,1,bad\n2025-01-10 00:00,1,2025-01-09T08:00Z\n2025-01-10 00:00,1,2025-01-09 16:00\n",
        "time,aqi\n" + "".join(f"2025-01-10 {i % 24:02d}:00,x{i}\n" for i in range(250)),
        "time,aqi\n" + "".join(f"2025-01-10 00:00,{i}\n" for i in range(300)),
        "time,aqi\n" + "".join(f"2025-01-10 {i % 24:02d}:00,{i}\n" for i in range(250)),
        "time,aqi\n2025-01-10 00:00,80\n" + "2025-01-10 01:00,600\n" * 3,
    ],
)
def test_fast_path_matches_row_by_row_on_csv(strict_fast_path, text):
    assert_same_as_row_by_row(text.encode(), "f.csv")
    assert_same_as_row_by_row(text.encode("gbk", errors="ignore"), "f.txt")


@pytest.mark.parametrize(
    "payload",
    [
        [{"time": "2025-01-10T00:00:00+08:00", "aqi": 100}, {"time": "2025-01-10T01:00:00+08:00", "aqi": "lots"}],
        [
            {"time": "2025-01-10 00:00", "aqi": 50},
            7,
            {},
            {"time": None, "aqi": None},
            {"time": "2025-01-10 01:00", "aqi": True},
        ],
        [
            {"time": "2025-01-10 00:00", "aqi": 50, "dust": True, "area": 140300},
            {"time": "2025-01-10 01:00", "aqi": 5.5, "dust": 1, "area": "kfq", "x": [1, 2]},
        ],
        [{"date": "2025-01-10", "aqi": 1}, {"time": "2025-01-10 01:00", "aqi": 2}, {"date": "2025-01-11", "aqi": -0.0}],
        [{"time": "2025-01-10 00:00", "aqi": 1}, {"time": "2025-01-10 00:00", "aqi": 1}],
        [{"time": "2025-01-10 00:00", "aqi": 1, "source": {"a": 1}, "kind": ["x"]}],
    ],
)
def test_fast_path_matches_row_by_row_on_json(strict_fast_path, payload):
    assert_same_as_row_by_row(json.dumps(payload).encode(), "f.json")


def test_fast_path_matches_row_by_row_on_xlsx(strict_fast_path):
    for rows in (
        [
            ["Area", "Time", "AQI", "PM2.5", "Kind"],
            [140300, dt.datetime(2025, 1, 10, 0, 0), 120, 90.5, "forecast"],
            ["盂县", "2025-01-10 01:00", 130, None, "observed"],
        ],
        [
            ["区域", "日期", "AQI"],
            ["阳泉市", "2025-01-10", 100],
            ["阳泉市", "2025-01-32", 100],
            ["阳泉市", dt.date(2025, 1, 11), 1.5],
        ],
        [
            ["区域", "时间", "AQI", "沙尘"],
            [140302.0, dt.datetime(2025, 1, 10, 0, 30), -1, True],
            ["城区", dt.datetime(2025, 1, 10, 1), 1, 0],
            ["城区", dt.datetime(2025, 1, 10, 1), 1, 0],
        ],
    ):
        assert_same_as_row_by_row(_xlsx(rows), "f.xlsx")


@pytest.mark.parametrize("path", sorted(p.name for p in SAMPLES.glob("*") if p.suffix in {".csv", ".json"}))
def test_fast_path_matches_row_by_row_on_the_samples(strict_fast_path, path):
    assert_same_as_row_by_row((SAMPLES / path).read_bytes(), path)


def test_fast_path_lists_only_the_first_errors_but_counts_them_all(strict_fast_path, monkeypatch):
    rows = _hourly_csv(1400)
    for row in rows[1:]:
        row[rows[0].index("kind")] = "guess"
    calls = []
    parse_row = read._Reader._parse_row
    monkeypatch.setattr(read._Reader, "_parse_row", lambda self, *args: calls.append(args[0]) or parse_row(self, *args))
    result = read_file(_csv(rows), "bad.csv")
    assert len(result.errors) == MAX_ERRORS + 1
    assert "另有 1200 条未列出" in result.errors[-1].message
    assert len(calls) <= MAX_ERRORS + 1  # not one call per row
    monkeypatch.setattr(read._Reader, "_parse_row", parse_row)
    assert [e.as_dict() for e in result.errors] == [e.as_dict() for e in _row_by_row(_csv(rows), "bad.csv").errors]


def test_a_file_the_fast_path_cannot_check_goes_row_by_row(monkeypatch):
    def unsupported(reader):
        reader._error(1, "x", "half-done")
        reader.warnings.append("half-done")
        raise columns.Unsupported

    monkeypatch.setattr(columns, "parse", unsupported)
    text = "Time,AQI,Remark\n2025-01-10 00:00,-1,x\n"
    result = read_file(text.encode(), "f.csv")
    assert [e.message for e in result.errors] == ["第 2 行「AQI」列：不能为负数「-1」"]
    assert result.warnings == ["已忽略未知列：「Remark」"]


@pytest.mark.parametrize(
    "text",
    [
        "2025-01-10 08:00",
        "2025-01-10T08:00",
        "2025-01-10t08:00:00",
        "2025/01/10 08:00",
        "2025.01.10 08:00",
        "2025-01-10 08:00:00",
        "2025-01-10T08:00:00Z",
        "2025-01-10T08:00:00z",
        "2025-01-10T08:00:00+08:00",
        "2025-01-10T08:00-05:00",
        "2025-01-10T08:00+0530",
        "2025-01-10T08:00+05",
        "2025-01-10",
        "2025-01-10Z",
        "2025-01-10+08:00",
        "2024-02-29",
        "2025-02-29",
        "2100-02-29",
        "2000-02-29 00:00",
        "2025-04-31",
        "2025-00-10",
        "2025-01-00",
        "2025-01-10 23:59:59",
        "2025-01-10 24:00",
        "2025-01-10 08:60",
        "2025-01-10 08:00:60",
        "2025-01-10T08:00+23:59",
        "2025-01-10T08:00+24:00",
        "2025-01-10T08:00+05:60",
        "1991-09-15 01:00",
        "1988-04-10 02:30",
        "1988-09-11 01:30",
        "1901-01-01 00:00",
        "1991-12-31 23:00",
        "1992-01-01 00:00",
        "2200-12-31 23:00",
        "2201-01-01 00:00",
        "0001-01-01 00:00",
        "9999-12-31 23:00",
        "2025-01-10 08:00:00.5",
        "2025-1-10 8:00",
        "2025-01-10  08:00",
        "2025-01-10 08:00 +08:00",
        "２０２５-01-10",
        "",
        "  ",
        "x",
        "2025-01-10 08:00x",
    ],
)
def test_fixed_layout_times_are_read_as_parse_time_reads_them(text):
    moments = columns._moments([text])
    stamp = parse_time(text)
    if not text.strip():
        assert moments.blank[0]
        return
    assert moments.ok[0] == (stamp is not None)
    if stamp is not None and not pd.Timestamp.min.tz_localize("UTC") <= stamp <= pd.Timestamp.max.tz_localize("UTC"):
        assert moments.odd[0]  # beyond what a frame holds: such a file is read row by row
    elif stamp is not None:
        assert moments.ns[0] == stamp.value
        assert moments.hour[0] == (not (stamp.minute or stamp.second or stamp.microsecond))
        assert moments.midnight[0] == (stamp == stamp.normalize())
