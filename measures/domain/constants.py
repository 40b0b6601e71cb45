"""Names shared by the domain and the models."""

from __future__ import annotations

#: Response levels (响应级别), weakest first as the plan orders §5.3.1–§5.3.3.
LEVELS: tuple[str, ...] = ("III", "II", "I")
LEVEL_NAMES: dict[str, str] = {"III": "Ⅲ级", "II": "Ⅱ级", "I": "Ⅰ级"}
#: Performance grades (绩效等级), the column order of 附件11.
GRADES: tuple[str, ...] = ("A", "B", "C", "D", "引领性", "非引领性")
#: Pollutants of the reduction target (§5.3: 二氧化硫、氮氧化物、颗粒物、挥发性有机物).
POLLUTANTS: tuple[str, ...] = ("so2", "nox", "pm", "vocs")
POLLUTANT_NAMES: dict[str, str] = {"so2": "二氧化硫", "nox": "氮氧化物", "pm": "颗粒物", "vocs": "挥发性有机物"}
POLLUTANT_SYMBOLS: dict[str, str] = {"so2": "SO₂", "nox": "NOx", "pm": "PM", "vocs": "VOCs"}
#: The share of society's emissions each level must cut (§5.3), used when the database has none.
DEFAULT_TARGETS: dict[str, int] = {"III": 20, "II": 30, "I": 40}
#: Warning colour that starts each response level (§5.1).
LEVEL_FOR_WARNING: dict[str, str] = {"yellow": "III", "orange": "II", "red": "I"}
