"""Reading forecast files (interfaces.md §1): formats, encodings, headers and every error."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from forecasts.domain.areas import AREAS, CITY, resolve_area
from forecasts.domain.readers import FRAME_COLUMNS, MAX_ERRORS, ImportError_, read_file

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
