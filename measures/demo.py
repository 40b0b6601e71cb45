"""The empty 应急减排清单 template and a realistic demo list (演示数据: every enterprise fictional).

The demo list has 60 enterprises across the 22 industries of 附件11 and the six county-level
areas, with emissions in the range such plants report, a few small-micro enterprises that the
exemption covers (one seasonal), one without a grade and one whose grade 附件11 lacks — so the
obligations page shows each case. Deterministic: the same file every time.
"""

from __future__ import annotations

import random
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from .domain.registry import TEMPLATE_HEADERS

DEMO_MARK = "演示数据"
DEMO_TITLE = "阳泉市工业源应急减排清单（演示数据：企业均为虚构，仅供演示与培训）"

#: Typical annual emissions (t/a) of a mid-sized plant per industry: SO2, NOx, PM, VOCs; and fuel.
PROFILES: dict[int, tuple[tuple[float, float, float, float], str]] = {
    1: ((30, 60, 25, 0), "燃煤"),
    2: ((8, 15, 20, 5), "燃气"),
    3: ((200, 300, 80, 0), "燃煤"),
    4: ((150, 20, 60, 0), "电"),
    5: ((60, 40, 30, 20), "燃气"),
    6: ((100, 30, 20, 0), "燃煤"),
    7: ((5, 10, 8, 2), "燃气"),
    8: ((2, 8, 5, 6), "燃气"),
    9: ((80, 400, 60, 0), "燃煤"),
    10: ((40, 30, 20, 0), "燃煤"),
    11: ((20, 40, 15, 0), "燃气"),
    12: ((25, 50, 30, 0), "燃气"),
    13: ((0, 0, 1, 8), "电"),
    14: ((0, 1, 0.5, 15), "燃气"),
    15: ((1, 2, 1, 6), "燃气"),
    16: ((0, 0, 2, 4), "电"),
    17: ((0, 1, 1, 10), "燃气"),
    18: ((0, 0, 0, 7), "电"),
    19: ((30, 20, 40, 0), "电"),
    20: ((0, 5, 20, 0), "燃油"),
    21: ((0, 2, 10, 0), "电"),
    22: ((3, 6, 5, 3), "燃气"),
}

# (industry seq, area, grade, sub-type, name, size factor)
ENTERPRISES: list[tuple[int, str, str, str, str, float]] = [
    (1, "平定县", "C", "", "平定县冠山石灰有限公司", 1.2),
    (1, "盂县", "D", "", "盂县东梁石灰厂", 0.6),
    (1, "郊区", "B", "", "郊区荫营钙业有限公司", 1.0),
    (2, "郊区", "C", "铸造用生铁企业", "阳泉市河坡铸造生铁有限公司", 1.5),
    (2, "平定县", "D", "铸件企业", "平定县娘子关铸件厂", 0.8),
    (2, "开发区", "B", "铸造用生铁企业", "阳泉开发区精铸科技有限公司", 1.0),
    (2, "城区", "C", "铸件企业", "城区义井机械铸造有限公司", 0.4),
    (3, "盂县", "B", "", "盂县兴道氧化铝有限公司", 1.0),
    (3, "平定县", "C", "", "平定县巨城氧化铝有限公司", 0.7),
    (4, "开发区", "B", "", "阳泉开发区铝业有限公司", 2.0),
    (5, "郊区", "C", "", "阳泉市桃河炭素有限公司", 1.0),
    (5, "平定县", "B", "", "平定县锁簧碳素制品厂", 0.5),
    (6, "盂县", "C", "", "盂县北下庄有色冶炼有限公司", 0.6),
    (7, "开发区", "C", "", "阳泉开发区再生金属有限公司", 1.0),
    (7, "城区", "B", "", "城区再生资源利用有限公司", 0.5),
    (8, "开发区", "B", "", "阳泉开发区铝材压延有限公司", 1.2),
    (8, "矿区", "C", "", "矿区沙坪金属加工有限公司", 0.6),
    (9, "平定县", "B", "", "平定县冶西水泥有限公司", 3.0),
    (9, "盂县", "B", "", "盂县上社水泥有限公司", 1.5),
    (9, "郊区", "引领性", "粉磨站（系统）、矿渣粉、水泥制品等工业企业", "郊区平坦水泥粉磨站", 0.2),
    (9, "矿区", "非引领性", "", "矿区赛鱼水泥制品有限公司", 0.15),
    (10, "平定县", "C", "", "平定县岔口砖厂", 0.5),
    (10, "盂县", "D", "", "盂县仙人砖瓦厂", 0.4),
    (10, "郊区", "B", "", "郊区李家庄新型建材厂", 0.6),
    (10, "盂县", "非引领性", "非烧结砖企业", "盂县路家村免烧砖厂", 0.1),
    (11, "平定县", "C", "", "平定县砂器陶瓷有限公司", 0.8),
    (11, "城区", "引领性", "", "城区北大街日用陶瓷厂", 0.1),
    (12, "平定县", "B", "", "平定县柏井耐火材料有限公司", 1.2),
    (12, "平定县", "C", "", "平定县张庄耐材有限公司", 1.0),
    (12, "盂县", "D", "", "盂县苌池耐火材料厂", 0.6),
    (12, "郊区", "C", "", "郊区旧街耐火材料有限公司", 0.8),
    (12, "矿区", "B", "", "矿区蔡洼耐火制品有限公司", 0.5),
    (12, "开发区", "引领性", "不定型耐火制品企业", "阳泉开发区浇注料有限公司", 0.3),
    (13, "开发区", "C", "", "阳泉开发区涂料化工有限公司", 1.0),
    (13, "城区", "非引领性", "粉末涂料制造企业", "城区粉末涂料厂", 0.3),
    (14, "开发区", "非引领性", "", "阳泉开发区人造革有限公司", 0.8),
    (15, "郊区", "C", "轮胎翻新企业", "郊区轮胎翻新厂", 0.3),
    (15, "开发区", "D", "日用及医用橡胶制品制造", "阳泉开发区医用橡胶制品有限公司", 0.7),
    (16, "城区", "C", "", "城区桃北家具厂", 0.6),
    (16, "郊区", "B", "", "郊区西南舁家具加工厂", 0.4),
    (17, "开发区", "C", "", "阳泉开发区装备涂装有限公司", 1.0),
    (17, "矿区", "D", "", "矿区机电设备喷涂厂", 0.4),
    (18, "城区", "C", "", "城区彩印包装有限公司", 0.7),
    (18, "矿区", "D", "", "矿区印刷厂", 0.3),
    (19, "盂县", "C", "", "盂县铁合金冶炼有限公司", 1.0),
    (19, "平定县", "B", "", "平定县硅铁厂", 0.6),
    (20, "盂县", "", "", "盂县梁家寨石料开采有限公司", 1.0),
    (20, "平定县", "", "", "平定县东回露天采石场", 0.6),
    (21, "矿区", "", "", "矿区平坦垴煤炭洗选有限公司", 1.5),
    (21, "郊区", "", "", "郊区河底煤炭储运有限公司", 1.0),
    (21, "盂县", "", "", "盂县西烟煤业洗煤厂", 1.2),
    (22, "开发区", "C", "", "阳泉开发区化工新材料有限公司", 1.0),
    (22, "城区", "B", "", "城区食品加工有限公司", 0.3),
    (1, "平定县", "", "", "平定县石门口石灰窑", 0.5),
    (1, "盂县", "引领性", "", "盂县梁家寨钙业有限公司", 0.7),
]

# Small-micro enterprises (小微涉气企业): (industry, area, grade, name, fuel, tonnes by pollutant,
# toxic, seasonal, daily kg, single pollutant)
SMALL: list[tuple[int, str, str, str, str, tuple[float, float, float, float], bool, bool, float | None, bool]] = [
    (18, "城区", "D", "城区小型图文印刷部", "电", (0, 0, 0, 0.05), False, False, None, True),
    (16, "矿区", "C", "矿区木艺加工坊", "电", (0, 0, 0.06, 0), False, False, None, True),
    (22, "郊区", "C", "郊区粮油加工坊", "燃气", (0, 0.03, 0, 0), False, False, None, True),
    (10, "平定县", "D", "平定县季节性砖坯晾晒场", "电", (0, 0, 0.02, 0), False, True, 0.2, True),
    (17, "盂县", "D", "盂县农机修理喷漆点", "电", (0, 0, 0, 0.08), True, False, None, True),
]


def _pick_unit(seq: int) -> str:
    return "市能源局" if seq == 21 else ""


def template_workbook() -> Workbook:
    """An empty list with the headers the import expects, and a sheet explaining the values."""
    book = Workbook()
    sheet = book.active
    sheet.title = "应急减排清单"
    sheet.append(list(TEMPLATE_HEADERS))
    _style_header(sheet, 1)
    notes = book.create_sheet("填写说明")
    for line in (
        ["所属县区", "城区、矿区、郊区、平定县、盂县、阳泉经济技术开发区（或其代码）"],
        ["行业", "附件11的 22 个行业之一，如：石灰窑、铸造、耐火材料、其他类行业"],
        ["子类", "附件11分子类规定的行业填写，如：铸件企业、铸造用生铁企业、非烧结砖企业"],
        ["绩效等级", "A、B、C、D、引领性、非引领性；未评级留空"],
        ["排放量", "二氧化硫、氮氧化物、颗粒物、挥发性有机物年排放量，单位：吨"],
        ["燃料类型", "燃煤、燃油、燃气、电、无"],
        ["是否…", "填“是”或“否”"],
        ["日排放量(千克)", "季节性生产企业填写，用于按日核算小微企业豁免"],
        ["责任单位", "可选：监管该企业的成员单位；留空时独立煤炭洗选为市能源局，其余为市工业和信息化局"],
    ):
        notes.append(line)
    return book


def _style_header(sheet, row: int) -> None:
    for cell in sheet[row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _tonnes(value: float) -> float:
    return float(Decimal(str(round(value, 3))))


def demo_rows(seed: int = 2023) -> list[list[object]]:
    """The demo list's rows, in the order of :data:`TEMPLATE_HEADERS`."""
    rng = random.Random(seed)  # noqa: S311 - demo figures, not security
    rows: list[list[object]] = []
    for seq, area, grade, subtype, name, size in ENTERPRISES:
        (so2, nox, pm, vocs), fuel = PROFILES[seq]
        spread = [rng.uniform(0.75, 1.25) for _ in range(4)]
        tonnes = [_tonnes(base * size * s) for base, s in zip((so2, nox, pm, vocs), spread, strict=True)]
        lines = max(1, round(size * rng.choice((1, 2, 2, 3))))
        rows.append(
            [
                f"{name}（演示）",
                area,
                _industry_name(seq),
                subtype,
                grade,
                lines,
                *tonnes,
                fuel,
                "是" if seq in (5, 6, 13, 15) else "否",
                "否",
                None,
                "否",
                _pick_unit(seq),
            ]
        )
    for seq, area, grade, name, fuel, tonnes, toxic, seasonal, daily, single in SMALL:
        rows.append(
            [
                f"{name}（演示）",
                area,
                _industry_name(seq),
                "",
                grade,
                1,
                *tonnes,
                fuel,
                "是" if toxic else "否",
                "是" if seasonal else "否",
                daily,
                "是" if single else "否",
                "",
            ]
        )
    return rows


_NAMES = {
    1: "石灰窑",
    2: "铸造",
    3: "氧化铝",
    4: "电解铝",
    5: "炭素",
    6: "铅、锌冶炼",
    7: "再生铜、铝、铅、锌",
    8: "有色金属压延",
    9: "水泥",
    10: "砖瓦窑",
    11: "陶瓷",
    12: "耐火材料",
    13: "涂料制造",
    14: "塑料人造革合成制造",
    15: "橡胶制品制造",
    16: "家具制造",
    17: "工业涂装",
    18: "包装印刷",
    19: "铁合金",
    20: "露天开采",
    21: "独立煤炭洗选及仓储物流业",
    22: "其他类行业",
}


def _industry_name(seq: int) -> str:
    return _NAMES[seq]


def demo_workbook(seed: int = 2023) -> Workbook:
    """The demo list: a title row marking it 演示数据, the headers, 60 fictional enterprises."""
    book = Workbook()
    book.properties.title = DEMO_TITLE
    book.properties.subject = DEMO_MARK
    sheet = book.active
    sheet.title = "应急减排清单（演示数据）"
    sheet.append([DEMO_TITLE])
    sheet["A1"].font = Font(bold=True, color="C00000")
    sheet.append(list(TEMPLATE_HEADERS))
    _style_header(sheet, 2)
    for row in demo_rows(seed):
        sheet.append(row)
    sheet.column_dimensions["A"].width = 36
    notes = book.create_sheet("说明")
    notes.append([DEMO_TITLE])
    notes.append(["本文件由 python manage.py make_demo_enterprises 生成，企业名称、排放量均为虚构，不得用于实际应急。"])
    return book
