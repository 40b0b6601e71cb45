"""What a warning says (alerts/domain/content.py, pure; warning-rules.md §11): the degree of an AQI
range, what a form still lacks before submit, and the texts made of the fields."""

from __future__ import annotations

import datetime as dt

import pytest

from alerts.domain.content import (
    TO_FILL,
    WarningContent,
    content_text,
    degree_text,
    facts_text,
    missing_fields,
    missing_message,
    parse_range,
    range_text,
)
from alerts.domain.lifecycle import SHANGHAI

START = dt.datetime(2026, 12, 10, 8, tzinfo=SHANGHAI)
FULL = WarningContent(
    weather_trend="静稳天气持续，扩散条件差。",
    pollution_start=START,
    pollution_end=START + dt.timedelta(hours=60),
    aqi_low=150,
    aqi_high=240,
    degree="轻度至重度污染",
    primary_pollutant="PM10",
    areas=(("140300", "阳泉市"), ("140321", "平定县")),
)


@pytest.mark.parametrize(
    ("low", "high", "degree"),
    [
        (150, 240, "轻度至重度污染"),
        (151, 240, "中度至重度污染"),
        (210, 280, "重度污染"),
        (240, 320, "重度至严重污染"),
        (301, 420, "严重污染"),
        (80, 160, "良至中度污染"),
        (None, 240, "重度污染"),
        (None, None, ""),
    ],
)
def test_degree_is_the_hj633_categories_of_the_range(low, high, degree):
    assert degree_text(low, high) == degree


def test_range_text_and_its_parsing():
    assert range_text(150, 240) == "150～240"
    assert range_text(240, 240) == "240"
    assert range_text(None, None) == ""
    assert (
        parse_range("150～240") == (150, 240) and parse_range("240") == (240, 240) and parse_range("") == (None, None)
    )


def test_a_complete_form_lacks_nothing_and_an_empty_one_everything():
    assert missing_fields("issue", FULL) == []
    assert missing_fields("upgrade", WarningContent()) == [
        "气象条件变化趋势",
        "重污染天气发生时间（起）",
        "重污染天气发生时间（止）",
        "AQI 范围（低）",
        "AQI 范围（高）",
        "污染程度",
        "首要污染物",
        "影响区域",
    ]


def test_a_lift_needs_only_the_weather_trend():
    assert missing_fields("lift", WarningContent()) == ["气象条件变化趋势"]
    assert missing_fields("lift", WarningContent(weather_trend="冷空气过境")) == []


def test_a_blank_primary_pollutant_is_missing_and_named():
    lacking = WarningContent(**{**FULL.__dict__, "primary_pollutant": " ", "weather_trend": ""})
    assert missing_message(missing_fields("issue", lacking)) == "提交前请填写：气象条件变化趋势、首要污染物"


def test_the_content_states_every_field_in_the_plans_order():
    text = content_text(action="issue", level="orange", from_level="none", content=FULL)
    assert "首要污染物：PM10，AQI 150～240" in text
    assert (
        "一、全市未来气象条件变化趋势：静稳天气持续，扩散条件差。\n" in text
    )  # the trend's own full stop is not doubled
    assert "二、重污染天气发生时间：2026年12月10日08时至2026年12月12日20时。" in text
    assert "三、影响区域：阳泉市、平定县。" in text and "四、污染程度：轻度至重度污染；" in text
    assert "五、预警等级：橙色预警；响应级别：Ⅱ级响应。" in text
    assert "六、响应启动时间：预警信息发布时。" in text  # effective_at None: on publication (§12)
    assert TO_FILL not in text


def test_what_the_data_did_not_give_is_marked_for_the_office_never_guessed():
    text = content_text(
        action="issue",
        level="orange",
        from_level="none",
        content=WarningContent(**{**FULL.__dict__, "primary_pollutant": ""}),
    )
    assert f"首要污染物：{TO_FILL}，AQI 150～240" in text and "PM2.5" not in text


def test_facts_of_an_upgrade_and_of_a_lift():
    at = START + dt.timedelta(hours=2)
    up = facts_text(
        action="upgrade",
        level="red",
        from_level="orange",
        content=WarningContent(**{**FULL.__dict__, "effective_at": at}),
    )
    assert "将预警升级为重污染天气红色预警，自2026年12月10日10时起启动Ⅰ级响应。" in up
    assert "影响区域：阳泉市、平定县" in up and "污染程度：轻度至重度污染，首要污染物：PM10，AQI 150～240。" in up
    lift = facts_text(action="lift", level="none", from_level="red", content=WarningContent(weather_trend="冷空气过境"))
    assert (
        lift
        == "阳泉市重污染天气应急指挥部自预警解除信息发布时起解除重污染天气红色预警，终止Ⅰ级响应。气象条件：冷空气过境。"
    )
