"""The Redis cache, made to degrade instead of raising when Redis is unreachable.

Django's RedisCache raises ``redis.ConnectionError`` on every call while Redis is down, so a
stopped Redis would turn the public page, the approval (its on-commit hooks) and every view that
counts something in the cache into 500s. Here a connection or timeout error is logged once and the
call answers as an empty cache would, and for ``BREAK_SECONDS`` after a failure Redis is not asked
at all (no connect attempt per call):

- ``get`` / ``get_many`` → the default (a miss: the caller computes the value from the database);
- ``set`` / ``set_many`` / ``delete`` / ``touch`` → nothing stored;
- ``add`` → True ("stored"): callers using it as a once-guard go ahead rather than lose the action;
- ``incr`` → ``delta`` (as if the counter had just been created): rate limits counted in the cache
  are not applied during an outage — for a warning system, answering beats throttling.

What the cache holds is always derived data (payloads rebuilt from PostgreSQL, counters), never
the record, so serving misses during an outage is safe.
"""

from __future__ import annotations

import logging
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)

#: After a failure, Redis is left alone this long (seconds).
BREAK_SECONDS = 2.0


def _errors() -> tuple[type[BaseException], ...]:
    return (redis.ConnectionError, redis.TimeoutError, ConnectionError, TimeoutError)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        # redis-py retries a failed command 3 times with backoff by default (seconds per call while
        # Redis is down); here one try, and the breaker below.
        options = {**params.get("OPTIONS", {})}
        options.setdefault("retry", Retry(NoBackoff(), 0))
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_until = 0.0
        self._errors = _errors()

    def _call(self, name: str, fallback, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return getattr(super(), name)(*args, **kwargs)
        except self._errors as exc:
            if self._down_until == 0.0 or time.monotonic() - self._down_until > 60:
                log.warning("cache unreachable (%s: %s); serving misses for now", exc.__class__.__name__, exc)
            self._down_until = time.monotonic() + BREAK_SECONDS
            return fallback

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", True, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", delta, key, delta, version)

    def clear(self):
        return self._call("clear", False)
