"""Outbox handlers of the response (core/outbox.py): an approved decision changes the response,
then its people are told. Each is idempotent."""

from __future__ import annotations

from core.outbox import handles

from .services import orders_notify, response_apply_form, response_ended_notify


@handles("response.orders", stage="orders")
def orders_for_form(payload: dict) -> None:
    """Start, change or end the response and issue or close the member units' orders (§5.2, §5.6,
    §5.7); one change per form, however often it runs.

    Payload {"form_id"}; emitted by the approval of the form."""
    response_apply_form(form_id=int(payload["form_id"]))


@handles("response.orders.notify", stage="orders")
def orders_issued(payload: dict) -> None:
    """Tell each member unit's people of their new orders; one notice per person and order.

    Payload {"form_id"}; emitted with the orders, in the transaction that issued them."""
    orders_notify(form_id=int(payload["form_id"]))


@handles("response.ended.notify", stage="orders")
def response_ended(payload: dict) -> None:
    """Send the closing notice (§5.7) to the units, the office and the supervisors; once per person.

    Payload {"response_id"}; emitted when a lift ends the response."""
    response_ended_notify(response_id=int(payload["response_id"]))
