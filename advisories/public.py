"""The 臭氧预警提示 in force as the public sees it (the public page and GET /api/v1/public/ozone-prompt/):
JSON values, cached and refreshed when the office confirms or ends a prompt."""

from __future__ import annotations

from django.core.cache import cache

from . import selectors

CACHE_KEY = "public:ozone-prompt"
CACHE_SECONDS = 3600
NONE = {"in_force": False, "text": None, "period_start": None, "period_end": None, "confirmed_at": None}


def _build() -> dict:
    prompt = selectors.prompt_in_force()
    if prompt is None:
        return dict(NONE)
    return {
        "in_force": True,
        "text": prompt.text,
        "period_start": prompt.period_start.isoformat(),
        "period_end": prompt.period_end.isoformat(),
        "confirmed_at": prompt.confirmed_at.isoformat(),
    }


def public_ozone_payload(*, refresh: bool = False) -> dict:
    if not refresh:
        payload = cache.get(CACHE_KEY)
        if payload is not None:
            return payload
    payload = _build()
    cache.set(CACHE_KEY, payload, CACHE_SECONDS)
    return payload


def public_ozone_refresh() -> None:
    """After a confirmation or an end: the payload again (its handler then renders the public page
    with it, advisories/handlers.py)."""
    public_ozone_payload(refresh=True)
