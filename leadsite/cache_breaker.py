"""The Redis cache behind a circuit breaker, per process and per Redis server: a hung Redis
costs one timeout per process per CACHE_BREAKER_SECONDS, not one per cache call.

After a failed command every cache call answers at once as an unreachable cache does (a miss,
a write not kept); then one call probes Redis while the others still skip it.
`RedisCache.is_unreachable()` lets the page cache serve its own copies meanwhile. Why and
how it was measured: docs/production.md, "Outages".
"""

import functools
import logging
import threading
import time

from django_redis.cache import RedisCache as DjangoRedisCache
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted

logger = logging.getLogger(__name__)

DEFAULT_SECONDS = 5.0
# The client's commands that talk to Redis and return a result (not a generator or a lock),
# each of which opens the breaker when it fails and is skipped while the breaker is open.
COMMANDS = (
    "add",
    "clear",
    "decr",
    "delete",
    "delete_many",
    "delete_pattern",
    "expire",
    "get",
    "get_many",
    "has_key",
    "incr",
    "incr_version",
    "keys",
    "persist",
    "set",
    "set_many",
    "touch",
    "ttl",
)


class Breaker:
    """Closed (calls go through), open (calls fail at once) for `seconds` after a failure,
    then half-open: one call goes through as a probe while the others still fail at once."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._tripped = False
        self._probing = False

    def allow(self) -> bool:
        """May this call go to Redis? When the interval has passed, the first caller is the
        probe (it must report succeeded() or failed())."""
        with self._lock:
            if not self._tripped:
                return True
            if self._probing or time.monotonic() < self._open_until:
                return False
            self._probing = True
            return True

    def succeeded(self) -> None:
        with self._lock:
            if self._tripped:
                logger.warning("Redis answers again: cache calls resume")
            self._tripped = self._probing = False

    def failed(self) -> None:
        with self._lock:
            if not self._tripped:
                logger.warning(
                    "Redis did not answer: cache calls skipped for %.0f s at a time", self.seconds
                )
            self._tripped = True
            self._probing = False
            self._open_until = time.monotonic() + self.seconds

    @property
    def is_open(self) -> bool:
        """True while calls are skipped (after a failure, until a probe succeeds)."""
        return self._tripped


_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(server: str, seconds: float) -> Breaker:
    """This process's breaker for `server` (Django builds a cache backend per thread; they
    share it)."""
    with _breakers_lock:
        if server not in _breakers:
            _breakers[server] = Breaker(seconds)
        return _breakers[server]


_depth = threading.local()  # commands calling commands (add calls set): the outer one decides


def _guarded(method):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        if getattr(_depth, "value", 0):
            return method(self, *args, **kwargs)
        breaker = self.breaker
        if not breaker.allow():
            raise ConnectionInterrupted(connection=None)  # IGNORE_EXCEPTIONS: a miss
        _depth.value = 1
        try:
            result = method(self, *args, **kwargs)
        except ConnectionInterrupted:
            breaker.failed()
            raise
        except BaseException:
            breaker.succeeded()  # Redis answered (a missing key, a bad value): it is up
            raise
        finally:
            _depth.value = 0
        breaker.succeeded()
        return result

    return call


class BreakerClient(DefaultClient):
    """django-redis's client with each command behind this process's breaker."""

    def __init__(self, server, params, backend):
        super().__init__(server, params, backend)
        seconds = float(params.get("OPTIONS", {}).get("BREAKER_SECONDS", DEFAULT_SECONDS))
        self.breaker = breaker_for(repr(self._server), seconds)


for _name in COMMANDS:
    setattr(BreakerClient, _name, _guarded(getattr(DefaultClient, _name)))


class RedisCache(DjangoRedisCache):
    """django-redis's cache with BreakerClient as its client."""

    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        options.setdefault("CLIENT_CLASS", f"{BreakerClient.__module__}.BreakerClient")
        super().__init__(server, params)

    def is_unreachable(self) -> bool:
        """True while this process skips Redis (it failed, and no probe has succeeded since)."""
        return self.client.breaker.is_open
