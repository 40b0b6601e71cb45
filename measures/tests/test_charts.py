"""The obligations page's chart (measures/charts.py): the reduction estimate per pollutant against
the level's target, the same figures as the table."""

from __future__ import annotations

import json
import re

from accounts.roles import Role


def embedded(html: str, element_id: str):
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert found, f"#{element_id} missing"
    return json.loads(found.group(1))


def test_reduction_chart_matches_the_estimate_table(client, make_user, plan):
    from decimal import Decimal

    from command.models import Area
    from measures.models import Enterprise, Industry

    Enterprise.objects.create(
        name="测试石灰厂",
        area=Area.objects.get(code="140321"),
        industry=Industry.objects.get(seq=1),
        grade="C",
        so2_t=Decimal("10"),
        nox_t=Decimal("20"),
        pm_t=Decimal("5"),
        vocs_t=Decimal("1"),
        fuel="coal",
    )
    client.force_login(make_user(Role.OFFICE))
    html = client.get("/measures/obligations/?level=II").content.decode()
    data = embedded(html, "reduction-chart-data")
    assert data["target_percent"] == 30
    assert [p["key"] for p in data["pollutants"]] == ["so2", "nox", "pm", "vocs"]
    for p in data["pollutants"]:
        assert p["target_percent"] == 30
        assert 0 <= p["percent"] <= 100
        assert p["short"] == (p["percent"] < 30)
        # the table shows the same percentage
        assert f"{p['percent']:.1f}%" in html
    assert 'id="reduction-chart"' in html and "js/charts.js" in html
