"""Outbox handler of the publication (core/outbox.py): an approved decision published on every
channel, each step once per form (publication/services.py)."""

from __future__ import annotations

from core.outbox import handles

from .services import publish_form


@handles("alerts.warning.publish", stage="publication")
def warning_publish(payload: dict) -> None:
    """Publish the approved decision: the public page and CAP feed, the warning's SMS to
    subscribers and the units' contacts, the duty confirmations (publication/services.py); each
    step once per form.

    Payload {"form_id"}; emitted by the approval, beside ``response.orders``."""
    publish_form(payload)
