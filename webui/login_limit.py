"""Failed sign-ins counted per account and per address (docs/security.md, V2.2).

A try is counted against the account *before* its password is checked, in one atomic step of the
rate-limit storage, so parallel guesses get exactly the configured number of checks; a correct
password clears the account's count. Failures also count against the client's address; an address
over its limit is refused for wrong passwords only, and for accounts with failures in the window,
so one stranger behind a shared address (a station's NAT, the reverse proxy) cannot lock out
everyone else who types their own password right. The storage is `limits`': by default a SQLite
file in KB_DATA shared by the workers of one machine (webui.login_store); RATELIMIT_STORAGE_URI=
redis://… shares the counts between the nodes of a cluster, memory:// keeps them per process.
"""
from __future__ import annotations

from dataclasses import dataclass

from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

MAX_USERNAME_CHARS = 64


def login_name(raw: str | None) -> str:
    """The user name as sign-in reads it from the form (the one normalisation both use)."""
    return (raw or "").strip()[:MAX_USERNAME_CHARS]


@dataclass(frozen=True)
class Attempt:
    """The limiter's verdict on one sign-in try before and after its password check."""
    allowed: bool               # the account's allowance had room: check the password
    address_over: bool          # the address has used up its failures
    first_try: bool             # no earlier failure of this account in the window


class LoginLimiter:
    """Per-account and per-address counters of failed sign-ins."""

    def __init__(self, storage_uri: str, per_account: str, per_address: str):
        self.storage = storage_from_string(storage_uri)
        self.strategy = MovingWindowRateLimiter(self.storage)
        # shortest window first: a try takes from the next window only once the shorter one had room
        self.per_account = sorted(parse_many(per_account), key=lambda limit: limit.get_expiry())
        self.per_address = parse_many(per_address)

    def begin(self, name: str, address: str) -> Attempt:
        """Take one try from the account's allowance (atomically) and read the address's state."""
        key = name.lower()
        first = all(self.strategy.get_window_stats(limit, "login-account", key).remaining == limit.amount
                    for limit in self.per_account)
        # all() stops at the first full window. Taking from every window regardless let parallel
        # tries win the minute in one order and the hour in another, so fewer than the allowed
        # number got their password checked (3 of 5 with 40 parallel tries).
        allowed = all(self.strategy.hit(limit, "login-account", key) for limit in self.per_account)
        over = not all(self.strategy.test(limit, "login-address", address) for limit in self.per_address)
        return Attempt(allowed, over, first)

    def failed(self, address: str) -> None:
        for limit in self.per_address:
            self.strategy.hit(limit, "login-address", address)

    def succeeded(self, name: str) -> None:
        """A correct password: the account's count starts again."""
        for limit in self.per_account:
            self.strategy.clear(limit, "login-account", name.lower())

    def reset(self) -> None:
        self.storage.reset()
