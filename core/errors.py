"""The one domain error (领域错误): what a service refuses, said once for the API and the pages.

A service checks its guard and raises a subclass of :class:`DomainError` with a readable Chinese
message (STYLE.md, "A transition, the one shape"). Each app has its own subclass with a default
``code`` and HTTP ``status``; an instance may name a finer code. The API answers every one of them
through ``core.api.exception_handler`` as ``{"detail": message, "code": code, **data}`` with its
status; page views turn it into a message and a redirect or the form again
(``core.views_mixins.DomainErrorMessageMixin``).

Pure Python on purpose: the domain packages (no ORM, no request) may raise these too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

#: The HTTP statuses a refusal may carry.
BAD_INPUT = 400  # what was sent cannot be used
NOT_YOURS = 403  # the person may not take this step
NOT_FOUND = 404
CONFLICT = 409  # the state of the thing does not allow the step (now)


class DomainError(Exception):
    """A step the rules refuse. ``code`` is dotted (``alerts.form.not_yours``), ``status`` the HTTP
    status of the refusal, ``message`` Chinese, for the person who tried, and ``data`` what else the
    API answer carries beside ``detail`` and ``code`` (e.g. ``missing``: the fields to fill)."""

    code: ClassVar[str] = "domain.refused"
    status: ClassVar[int] = BAD_INPUT
    default_message: ClassVar[str] = "操作未执行。"

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        status: int | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        self.message = str(message) or self.default_message
        super().__init__(self.message)
        if code is not None:
            self.code = code  # type: ignore[misc]  # an instance names a finer code than its class
        if status is not None:
            self.status = status  # type: ignore[misc]
        self.data: dict[str, Any] = dict(data or {})

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, Any]:
        """The API body: ``detail`` and ``code`` first; ``data`` never overrides them."""
        extra = {key: value for key, value in self.data.items() if key not in ("detail", "code")}
        return {"detail": self.message, "code": self.code, **extra}
