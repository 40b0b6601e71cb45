"""Everyone can read the warning colours: text on each level's colour meets WCAG 2.x AA (4.5:1),
and every level badge writes the level's name (never colour alone).

The contrast is computed here from the WCAG definition (relative luminance of sRGB), on the
colour pairs parsed out of static/css/app.css, independently of core/colours.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

CSS = Path(settings.BASE_DIR) / "static" / "css" / "app.css"
TEMPLATES = Path(settings.BASE_DIR) / "templates"
AA = 4.5
WHITE = "#ffffff"


def relative_luminance(colour: str) -> float:
    """WCAG 2.x: L = 0.2126 R + 0.7152 G + 0.0722 B of the linearised sRGB channels."""
    h = colour.strip().lstrip("#").lower()
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    assert re.fullmatch(r"[0-9a-f]{6}", h), f"not a hex colour: {colour}"
    linear = []
    for i in (0, 2, 4):
        c = int(h[i : i + 2], 16) / 255
        linear.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = linear
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    lighter, darker = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_formula_gives_the_known_ratios():
    assert contrast_ratio("#000", "#fff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic just-failing grey
    assert contrast_ratio("#fff", "#fff") == pytest.approx(1.0)


# --------------------------------------------------------------------------- the stylesheet


def _stylesheet():
    text = re.sub(r"/\*.*?\*/", "", CSS.read_text(encoding="utf-8"), flags=re.S)
    variables: dict[str, str] = {}
    rules: list[tuple[str, dict[str, str]]] = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        declarations = {}
        for part in body.split(";"):
            if ":" in part:
                key, value = part.split(":", 1)
                declarations[key.strip()] = value.strip()
        selector = selector.strip()
        if selector == ":root":
            variables.update({k: v for k, v in declarations.items() if k.startswith("--")})
        rules.append((selector, declarations))

    def resolve(value: str) -> str:
        for _ in range(5):
            found = re.search(r"var\((--[\w-]+)\)", value)
            if not found:
                break
            value = value.replace(found.group(0), variables[found.group(1)])
        return value.split()[0] if value.startswith("#") else value

    return variables, rules, resolve


VARIABLES, RULES, RESOLVE = _stylesheet()
LEVELS = ("yellow", "orange", "red")
#: Selectors that put a warning level's colour behind or into text.
LEVEL_SELECTOR = re.compile(r"\.(?:lvl|level|level-badge|level-tab)(?:-|\.level-)(?:yellow|orange|red|none|I{1,3})\b")


def _colour_pairs():
    """(selector, text colour, background) for every rule that colours text by warning level, and
    the blue chrome with white text (top bar, primary buttons)."""
    pairs = []
    for selector, decl in RULES:
        colour = decl.get("color")
        if colour is None:
            continue
        background = decl.get("background-color") or decl.get("background")
        if LEVEL_SELECTOR.search(selector):
            if background:
                pairs.append((selector, RESOLVE(colour), RESOLVE(background)))
            else:  # text in the level's colour sits on a white card or the grey page
                pairs.append((selector, RESOLVE(colour), WHITE))
                pairs.append((f"{selector} on the page", RESOLVE(colour), RESOLVE(VARIABLES["--bg"])))
        elif selector in (".topbar", "button.primary", "a.button.primary-link", ".badge", ".urgent"):
            pairs.append((selector, RESOLVE(colour), RESOLVE(background)))
    return pairs


PAIRS = _colour_pairs()


def test_every_level_has_its_colours_declared():
    for level in LEVELS:
        for name in (f"--level-{level}", f"--on-level-{level}", f"--text-level-{level}"):
            assert re.fullmatch(r"#[0-9a-fA-F]{6}", VARIABLES[name]), name
    # badges, tags and their text for each level are all in the parsed pairs
    selectors = " ".join(s for s, _, _ in PAIRS)
    for level in LEVELS:
        assert f".lvl-{level}" in selectors and f".level-badge.level-{level}" in selectors


@pytest.mark.parametrize("level", LEVELS)
def test_text_on_each_warning_colour_meets_aa(level):
    fill = VARIABLES[f"--level-{level}"]
    on = VARIABLES[f"--on-level-{level}"]
    assert contrast_ratio(on, fill) >= AA, f"{level}: {on} on {fill} = {contrast_ratio(on, fill):.2f}:1"
    text = VARIABLES[f"--text-level-{level}"]
    for ground in (WHITE, VARIABLES["--bg"]):
        assert contrast_ratio(text, ground) >= AA, (
            f"{level} text {text} on {ground} = {contrast_ratio(text, ground):.2f}:1"
        )


def test_yellow_and_orange_carry_dark_text_and_red_white():
    for level in ("yellow", "orange"):
        assert relative_luminance(VARIABLES[f"--on-level-{level}"]) < 0.05
    assert VARIABLES["--on-level-red"].lower() in ("#fff", "#ffffff")


@pytest.mark.parametrize("selector,text,background", PAIRS, ids=[p[0] for p in PAIRS])
def test_every_coloured_pair_in_the_stylesheet_meets_aa(selector, text, background):
    ratio = contrast_ratio(text, background)
    assert ratio >= AA, f"{selector}: {text} on {background} = {ratio:.2f}:1"


def test_chart_and_page_level_colours_are_the_stylesheets():
    from dashboard.charts import LEVEL_COLOURS as CHART
    from forecasts.views.pages import LEVEL_COLOURS as FORECAST

    for level in LEVELS:
        assert CHART[level].lower() == FORECAST[level].lower() == VARIABLES[f"--level-{level}"].lower()


def test_aqi_category_cells_are_readable():
    """The forecast page colours each day by its HJ 633 category; pure red (中度污染) needs black."""
    from core.colours import readable_text
    from forecasts.domain.categories import CATEGORIES

    for edition in CATEGORIES.values():
        for category in edition:
            text = readable_text(category.hex)
            assert contrast_ratio(text, category.hex) >= AA, (category.name, category.hex, text)


# --------------------------------------------------------------------------- words, not colour alone


@pytest.mark.parametrize(
    "language,names",
    [
        ("zh-hans", {"yellow": "黄色预警", "orange": "橙色预警", "red": "红色预警", "none": "无预警"}),
        ("en", {"yellow": "Yellow", "orange": "Orange", "red": "Red", "none": "No"}),
    ],
)
def test_the_level_badge_writes_the_level(language, names):
    with translation.override(language):
        for level, name in names.items():
            html = render_to_string("alerts/_level.html", {"level": level})
            assert f"lvl-{level}" in html and name in html


def test_no_template_shows_a_level_by_colour_alone():
    """Every element styled as a level badge has text inside (a name, a variable or a tag)."""
    empty = re.compile(r'<(span|div|td)[^>]*class="[^"]*\b(?:lvl|level-badge)\b[^"]*"[^>]*>\s*</\1>')
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if empty.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
