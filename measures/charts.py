"""The obligations page's chart, as plain JSON for the page to embed with json_script and
static/js/charts.js to draw with the local ECharts: the reduction estimate per pollutant against
the level's target."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .domain.constants import POLLUTANT_NAMES, POLLUTANT_SYMBOLS


def reduction_chart(lines, target_percent: float) -> dict[str, Any]:
    """One bar per pollutant: the expected reduction (%) against the level's target."""
    return {
        "target_percent": target_percent,
        "pollutants": [
            {
                "key": line.pollutant,
                "name": f"{POLLUTANT_NAMES[line.pollutant]}（{POLLUTANT_SYMBOLS[line.pollutant]}）",
                "percent": round(line.percent, 1),
                "target_percent": line.target_percent,
                "short": line.short,
            }
            for line in lines
        ],
        "labels": {
            "percent": _("预计减排比例（%）"),
            "target": _("目标"),
            "short": _("未达目标"),
            "met": _("达到目标"),
        },
    }
