"""What a webinar reminder says of the start: the truth at the moment it goes, also when it
goes late (a webinar created or moved less than a day ahead, a late registration)."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from mailings.sending.message import starts_phrase

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
START = datetime.datetime(2027, 3, 10, 16, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("before", "phrase"),
    [
        (datetime.timedelta(hours=24), "tomorrow at 16:00"),
        (datetime.timedelta(hours=5), "today at 16:00"),
        (datetime.timedelta(minutes=60), "in about an hour"),
        (datetime.timedelta(minutes=20), "in 20 minutes"),
        (datetime.timedelta(seconds=20), "in 1 minute"),
        (datetime.timedelta(days=3), "on Wednesday 10 March at 16:00"),
    ],
)
def test_a_reminder_says_when_the_webinar_starts_as_it_goes(before, phrase, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    with timezone.override(BERLIN):
        assert starts_phrase(START, START - before) == phrase
