"""Outbox handlers (alerts/outbox.py HANDLERS): an approved decision changes the response."""

from __future__ import annotations

from .services import response_apply_form


def orders_for_form(payload: dict) -> None:
    """Topic `response.orders`, payload {"form_id"}: start, change or end the response and issue
    or close the member units' orders (§5.2, §5.6, §5.7). Idempotent (one change per form)."""
    response_apply_form(form_id=int(payload["form_id"]))
