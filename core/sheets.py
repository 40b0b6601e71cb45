"""What every Excel export of the system shares (openpyxl does the rest)."""

from __future__ import annotations


def sheet_text(value) -> str:
    """Free text is never a formula in the sheet (CSV/Excel injection): a leading =, +, - or @ is
    quoted; None is an empty cell's text."""
    value = "" if value is None else str(value)
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value
