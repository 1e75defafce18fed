"""Per-process memos for the few rows the capture path reads on every lead.

Each saves a query per submission. Rows that never change (consent texts) are kept long;
settings that staff edit are kept seconds and forgotten at once in the process that saves
them (other processes follow within the TTL). While the database is unreachable an expired
value is served rather than none: the lead form can still come back with a visitor's answers.
"""

import time

from leadsite.outage import DATABASE_UNAVAILABLE


class Memo:
    _all: list["Memo"] = []

    def __init__(self, ttl_seconds: float):
        self.ttl = ttl_seconds
        self.store: dict = {}
        Memo._all.append(self)

    def get(self, key, load):
        """The memoised value for key, or load() it (None is not memoised); the expired value
        if load() cannot reach the database."""
        now = time.monotonic()
        hit = self.store.get(key)
        if hit is not None and hit[1] > now:
            return hit[0]
        try:
            value = load()
        except DATABASE_UNAVAILABLE:
            if hit is None:
                raise
            return hit[0]
        if value is not None:
            self.store[key] = (value, now + self.ttl)
        return value

    def clear(self, *args, **kwargs):  # also a signal receiver
        self.store.clear()

    @classmethod
    def clear_all(cls):
        for memo in cls._all:
            memo.clear()


consent_texts = Memo(ttl_seconds=3600)
ctas = Memo(ttl_seconds=30)
lead_settings = Memo(ttl_seconds=30)
blocked_domains = Memo(ttl_seconds=30)
contact_properties = Memo(ttl_seconds=30)
form_versions = Memo(ttl_seconds=3600)
choice_questions = Memo(ttl_seconds=30)
