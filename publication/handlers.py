"""Outbox handler of the publication (core/outbox.py): an approved decision published on every
channel, each step once per form (publication/services.py)."""

from __future__ import annotations

from django.core.cache import cache

from core.outbox import handles

from .cap import CAP_FEED_CACHE_KEY
from .page import warm_pages
from .public import PUBLIC_CACHE_KEY, public_warning_payload
from .services import publish_form


@handles("alerts.warning.publish", stage="publication")
def warning_publish(payload: dict) -> None:
    """Publish the approved decision: the public page and CAP feed, the warning's SMS to
    subscribers and the units' contacts, the duty confirmations (publication/services.py); each
    step once per form.

    Payload {"form_id"}; emitted by the approval, beside ``response.orders``."""
    publish_form(payload)


@handles("publication.refresh", stage="publication")
def public_refresh(payload: dict) -> None:
    """Show what is in force now on the public page and the CAP feed (their caches rebuilt): a
    decision signed in advance came into force (warning-rules.md §12); the same, however often.

    Payload {"form_id"}; emitted by alerts.services.warning_bring_into_force."""
    cache.delete_many([PUBLIC_CACHE_KEY, CAP_FEED_CACHE_KEY])
    public_warning_payload(refresh=True)
    warm_pages()
