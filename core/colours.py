"""Readable text on a coloured fill (WCAG 2.x contrast), for colours fixed by a standard — the
HJ 633 AQI categories — where the text colour has to adapt to the fill."""

from __future__ import annotations

DARK = "#1D2329"  # the site's text colour (static/css/app.css --fg)
WHITE = "#FFFFFF"
BLACK = "#000000"
AA_NORMAL = 4.5


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(ch * 2 for ch in h)
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_text(fill: str) -> str:
    """The site's dark text or white when either meets AA on the fill (dark preferred), else
    whichever of black and white contrasts more (pure red #FF0000 needs black)."""
    for candidate in (DARK, WHITE):
        if contrast(fill, candidate) >= AA_NORMAL:
            return candidate
    return max((BLACK, WHITE), key=lambda c: contrast(fill, c))
