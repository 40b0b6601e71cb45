"""An upload between its preview and its confirmation (暂存): what was read waits in the cache
under a random token that only the uploader's session holds, an hour at most, and only that
person may confirm it. A new upload replaces the one staged before; nothing reaches the
database until the confirmation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache


@dataclass(frozen=True)
class UploadStage:
    """One kind of staged upload: its cache keys start with ``prefix``, its token lives in the
    session under ``session_key``."""

    prefix: str
    session_key: str
    seconds: int = 3600

    def _key(self, token: str) -> str:
        return f"{self.prefix}:{token}"

    def put(self, request, payload: dict[str, Any]) -> None:
        """Stage ``payload`` (the file's name and bytes, what the preview read) for this person."""
        token = uuid.uuid4().hex
        cache.set(self._key(token), {**payload, "user": request.user.pk}, self.seconds)
        previous = request.session.get(self.session_key)
        if previous:
            cache.delete(self._key(previous))
        request.session[self.session_key] = token

    def get(self, request) -> dict[str, Any] | None:
        """What this person staged, or None (nothing, expired, or staged by someone else)."""
        token = request.session.get(self.session_key)
        staged = cache.get(self._key(token)) if token else None
        if not staged or staged.get("user") != request.user.pk:
            return None
        return staged

    def discard(self, request) -> None:
        token = request.session.pop(self.session_key, None)
        if token:
            cache.delete(self._key(token))
