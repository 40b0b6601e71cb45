"""The client address of the request being served, for the audit log, without passing requests
into services."""

from __future__ import annotations

from contextvars import ContextVar

_client_address: ContextVar[str | None] = ContextVar("client_address", default=None)


def current_client_address() -> str | None:
    return _client_address.get()


def set_client_address(address: str | None):
    return _client_address.set(address)


def reset_client_address(token) -> None:
    _client_address.reset(token)
