"""The current time for rules that expire things: sign-in sessions, the purge of raw inquiry
text and review deadlines. Stores take a clock, so tests move time instead of sleeping."""
from __future__ import annotations

import datetime as dt


class Clock:
    """The system clock: naive UTC for stored moments (as kb.db.utcnow), the local date for
    deadlines written as dates in front matter."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC).replace(tzinfo=None)

    def today(self) -> dt.date:
        return dt.date.today()


class ManualClock(Clock):
    """A clock that stands still until told to move (tests, and replaying a day in a script)."""

    def __init__(self, start: dt.datetime | None = None):
        self.moment = start or Clock().now()

    def now(self) -> dt.datetime:
        return self.moment

    def today(self) -> dt.date:
        return self.moment.date()

    def advance(self, **delta: float) -> None:
        """Move forward by a timedelta's keywords: clock.advance(minutes=31)."""
        self.moment += dt.timedelta(**delta)


SYSTEM_CLOCK = Clock()
