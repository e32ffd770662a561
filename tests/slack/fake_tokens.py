"""The fake Slack's token checks, all in one place: which token Slack accepts for which call, and why not.

Slack answers a Web API call with
- `not_authed` when no token was sent,
- `invalid_auth` for a token it never issued,
- `token_revoked` for a revoked one (uninstall, `auth.revoke`),
- `token_expired` for a rotating token past its `expires_in`,
- `not_allowed_token_type` for the wrong kind: an app-level token (`xapp-`) anywhere but
  `apps.connections.open`, or a bot/user token there.
File downloads with a refused token get Slack's HTML sign-in page instead of the bytes (see `FakeSlack`).

Rotating tokens: `add(..., expires_in=..., refresh_token=...)`, then `oauth.v2.access` with
`grant_type=refresh_token` swaps the refresh token for a new access token (`refresh`), as Slack does.
The clock is injectable so tests can expire a token without sleeping (`TokenRegistry.advance`).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

BOT, USER, APP = "bot", "user", "app"
# Calls that authenticate with the app's client id and secret (or nothing), not with a token.
TOKENLESS_METHODS = frozenset({"oauth.v2.access", "oauth.v2.exchange", "oauth.access"})
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})
DEFAULT_TEAM = "T0FAKE"


def kind_of(token: str) -> str:
    if token.startswith("xapp-"):
        return APP
    if token.startswith(("xoxp-", "xoxe.xoxp-")):
        return USER
    return BOT


@dataclass(frozen=True)
class FakeToken:
    value: str
    team_id: str
    kind: str
    expires_at: float | None = None  # on the registry's clock; None: never expires
    refresh_token: str | None = None
    revoked: bool = False


class TokenRegistry:
    """Every token the fake has issued. `token in registry` and `registry.add(token)` work like a set."""

    def __init__(self, *tokens: str, clock: Callable[[], float] = time.time) -> None:
        self._tokens: dict[str, FakeToken] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._offset = 0.0
        self._ids = itertools.count(1)
        for token in tokens:
            self.add(token)

    # --- issuing ---------------------------------------------------------------------------------------
    def add(
        self,
        value: str,
        *,
        team_id: str = DEFAULT_TEAM,
        expires_in: float | None = None,
        refresh_token: str | None = None,
    ) -> FakeToken:
        expires_at = None if expires_in is None else self.now() + expires_in
        token = FakeToken(value, team_id, kind_of(value), expires_at, refresh_token)
        with self._lock:
            self._tokens[value] = token
        return token

    def revoke(self, value: str) -> None:
        with self._lock:
            self._tokens[value] = replace(self._tokens[value], revoked=True)

    def expire(self, value: str) -> None:
        """Make `value` expired now (a rotating token whose 12 hours are up)."""
        with self._lock:
            self._tokens[value] = replace(self._tokens[value], expires_at=self.now() - 1)

    def refresh(self, refresh_token: str, *, expires_in: float = 43_200) -> FakeToken | None:
        """A new access token for a known refresh token (the old access token stops working); None if unknown."""
        with self._lock:
            old = next((t for t in self._tokens.values() if t.refresh_token == refresh_token), None)
            if old is None or old.revoked:
                return None
            prefix = old.value.split("-", 1)[0]
            value = f"{prefix}-rotated-{next(self._ids)}"
            self._tokens[old.value] = replace(old, revoked=True, refresh_token=None)
            new = FakeToken(value, old.team_id, old.kind, self.now() + expires_in, refresh_token)
            self._tokens[value] = new
            return new

    def advance(self, seconds: float) -> None:
        """Move the registry's clock forward (expiry without sleeping)."""
        self._offset += seconds

    def now(self) -> float:
        return self._clock() + self._offset

    # --- checking --------------------------------------------------------------------------------------
    def refusal(self, method: str, token: str | None) -> str | None:
        """Slack's error code for calling `method` with `token`, or None when Slack accepts it."""
        if method in TOKENLESS_METHODS:
            return None
        if not token:
            return "not_authed"
        with self._lock:
            found = self._tokens.get(token)
        if found is None:
            return "invalid_auth"
        if found.revoked:
            return "token_revoked"
        if found.expires_at is not None and self.now() >= found.expires_at:
            return "token_expired"
        if (method in APP_TOKEN_METHODS) != (found.kind == APP):
            return "not_allowed_token_type"
        return None

    def team_of(self, token: str | None) -> str | None:
        with self._lock:
            found = self._tokens.get(token or "")
        return found.team_id if found else None

    def get(self, value: str) -> FakeToken | None:
        with self._lock:
            return self._tokens.get(value)

    def __contains__(self, value: object) -> bool:
        with self._lock:
            return isinstance(value, str) and value in self._tokens

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            return iter(list(self._tokens))
