"""Each process's own copies of the pages it served lately: most hits make no round trip.

Trusted for PAGE_CACHE_LOCAL_SECONDS after the generation was last read, at most
PAGE_CACHE_LOCAL_MB per process (docs/production.md, "The page cache").
"""

import threading
import time
from collections import OrderedDict

from django.conf import settings

# At most this many previous copies per process (served while other requests render).
PREVIOUS_COPIES = 200


class LocalCopies:
    """This process's copies of the pages it served lately, valid while the generation they
    were rendered under is the one this process last read, and for PAGE_CACHE_LOCAL_SECONDS
    after that read at most. Least recently used copies go first beyond PAGE_CACHE_LOCAL_MB.
    Thread-safe (gthread workers share one)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries = OrderedDict()
        self._bytes = 0
        self._generation = None
        self._read_at = 0.0
        self._previous = {}  # key: (stale entry, served until), while another request renders

    def get(self, key, *, outage=False) -> tuple | None:
        """The copy of `key`, if this process may serve it without asking the shared cache
        (`outage`: because the shared cache is unreachable, for up to PAGE_CACHE_SECONDS)."""
        seconds = settings.PAGE_CACHE_LOCAL_SECONDS
        if seconds <= 0:
            return None
        if outage:
            seconds = max(seconds, settings.PAGE_CACHE_SECONDS)
        with self._lock:
            if time.monotonic() - self._read_at > seconds:
                return None
            entry = self._entries.get(key)
            if entry is None or entry[0] != self._generation:
                return None
            self._entries.move_to_end(key)
            return entry

    def saw_generation(self, value) -> None:
        """`value` was just read from (or written to) the shared cache: it is trusted anew,
        and copies of any other generation are dropped."""
        with self._lock:
            if value != self._generation:
                self._entries.clear()
                self._bytes = 0
                self._generation = value
            self._read_at = time.monotonic()

    def keep_previous(self, key, entry) -> None:
        """`entry` is the previous copy of `key` and another request renders the page: serve
        it without asking the shared cache for PAGE_CACHE_LOCAL_SECONDS (as the copies)."""
        seconds = settings.PAGE_CACHE_LOCAL_SECONDS
        if seconds <= 0:
            return
        with self._lock:
            if len(self._previous) >= PREVIOUS_COPIES:
                self._previous.clear()
            self._previous[key] = (entry, time.monotonic() + seconds)

    def previous(self, key) -> tuple | None:
        """The previous copy of `key` kept by keep_previous(), unless this process has a fresh
        copy or the time is up."""
        if not self._previous:  # nearly always: no purge is being re-rendered
            return None
        with self._lock:
            found = self._previous.get(key)
            if found is None or found[1] < time.monotonic():
                self._previous.pop(key, None)
                return None
            return found[0]

    def keep(self, key, entry) -> None:
        budget = settings.PAGE_CACHE_LOCAL_MB * 1024 * 1024
        size = len(entry[3])
        if settings.PAGE_CACHE_LOCAL_SECONDS <= 0 or size > budget:
            return
        with self._lock:
            self._previous.pop(key, None)
            if entry[0] != self._generation:
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[3])
            self._entries[key] = entry
            self._bytes += size
            while self._bytes > budget:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted[3])


local_copies = LocalCopies()
