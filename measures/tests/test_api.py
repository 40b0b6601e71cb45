"""GET /api/v1/industry-measures/ (interfaces.md §4)."""

from __future__ import annotations

import pytest

URL = "/api/v1/industry-measures/"


@pytest.fixture
def api(client, make_user):
    client.force_login(make_user("forecaster"))
    return client


def test_level_industry_grade_filters(api):
    data = api.get(URL, {"level": "III", "industry": "铸造", "grade": "C"}).json()
    assert data == [
        {
            "industry": "铸造",
            "industry_seq": 2,
            "level": "III",
            "grade": "C",
            "subtype": "铸件企业",
            "text": "停止使用国四及以下重型载货车辆（含燃气）进行运输。",
        },
        {
            "industry": "铸造",
            "industry_seq": 2,
            "level": "III",
            "grade": "C",
            "subtype": "铸造用生铁企业",
            "text": data[1]["text"],
        },
    ]
    assert data[1]["text"].startswith("烧结、球团限产 25%")


def test_unlabelled_subtype_is_null_and_empty_cell_is_empty(api):
    data = api.get(URL, {"level": "III", "industry": "石灰窑", "grade": "C"}).json()
    assert len(data) == 1 and data[0]["subtype"] is None
    assert api.get(URL, {"level": "III", "industry": "石灰窑", "grade": "引领性"}).json() == []


def test_partial_filters(api):
    level = api.get(URL, {"level": "II"}).json()
    assert len(level) == 108 and {d["level"] for d in level} == {"II"}
    assert [d["industry_seq"] for d in level] == sorted(d["industry_seq"] for d in level)
    industry = api.get(URL, {"industry": "2"}).json()
    assert {d["industry"] for d in industry} == {"铸造"}
    assert [d["level"] for d in industry][:1] == ["III"] and industry[-1]["level"] == "I"
    assert len(api.get(URL).json()) == 106 + 108 + 110
    spelled_at_iii = api.get(URL, {"industry": "再生铜、铅、铝、锌", "level": "III", "grade": "C"}).json()
    assert spelled_at_iii[0]["industry"] == "再生铜、铝、铅、锌"
    leading = api.get(URL, {"grade": "引领性", "level": "I"}).json()
    assert {d["grade"] for d in leading} == {"引领性"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"level": "IV"}, "未知响应级别"),
        ({"grade": "E"}, "未知绩效等级"),
        ({"industry": "钢铁"}, "未知行业"),
        ({"industry": "铝"}, "不唯一"),
    ],
)
def test_unknown_values_are_400_with_chinese_detail(api, params, message):
    response = api.get(URL, params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_staff_only(client, make_user):
    assert client.get(URL).status_code in (401, 403)
    for role in ("unit", "county", "supervisor", "office", "commander"):
        client.force_login(make_user(role))
        assert client.get(URL, {"level": "I"}).status_code == 200


def test_token_login_works(client, make_user):
    from accounts.services import api_token_issue

    user = make_user("unit")
    _token, key = api_token_issue(user=user)
    response = client.get(URL, {"level": "III", "grade": "D", "industry": "水泥"}, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
