"""Token rotation for the fake Slack, kept apart from `fake_slack.py`: expiring tokens and refresh grants.

`RotatingFakeSlack.issue(team)` hands out a rotating bot token (`xoxe.xoxb-...`) with an expiry and a
refresh token (`xoxe-1-...`). Once a token's expiry passed, every Web API call and file download made with
it is refused the way Slack refuses it (`token_expired`; a download gets the sign-in page).
`oauth.v2.access` with `grant_type=refresh_token` and a refresh token the fake issued answers a new token.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from tests.slack.fake_slack import FAKE_BOT_USER, FAKE_TEAM, SIGN_IN_PAGE, Call, FakeSlack

ROTATED_LIFETIME_SECONDS = 12 * 3600


class RotatingFakeSlack(FakeSlack):
    """`FakeSlack` whose tokens can expire and be refreshed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expires_at: dict[str, float] = {}
        self.refresh_tokens: dict[str, str] = {}
        self._serial = itertools.count(1)

    def issue(self, team: str = FAKE_TEAM, *, expires_in: float = ROTATED_LIFETIME_SECONDS) -> tuple[str, str]:
        """A new (bot token, refresh token) pair for `team`; `expires_in` may be negative (already expired)."""
        serial = next(self._serial)
        token, refresh = f"xoxe.xoxb-1-{team}-{serial}", f"xoxe-1-{team}-refresh-{serial}"
        with self._lock:
            self.tokens.add(token)
            self.expires_at[token] = time.time() + expires_in
            self.refresh_tokens[refresh] = team
        return token, refresh

    def expired(self, token: str | None) -> bool:
        return token is not None and self.expires_at.get(token, float("inf")) <= time.time()

    def refreshes(self) -> list[Call]:
        return [call for call in self.calls_to("oauth.v2.access") if call.params.get("grant_type") == "refresh_token"]

    def _api(self, call: Call) -> dict[str, Any]:
        if call.method not in ("apps.connections.open", "oauth.v2.access") and self.expired(call.token):
            return {"ok": False, "error": "token_expired"}
        return super()._api(call)

    def _download(self, call: Call) -> tuple[int, dict[str, str], bytes]:
        if self.expired(call.token):
            return 200, {"Content-Type": "text/html; charset=utf-8"}, SIGN_IN_PAGE
        return super()._download(call)

    def _api_oauth_v2_access(self, call: Call) -> dict[str, Any]:
        if call.params.get("grant_type") != "refresh_token":
            return super()._api_oauth_v2_access(call)
        team = self.refresh_tokens.get(str(call.params.get("refresh_token")))
        if team is None:
            return {"ok": False, "error": "invalid_refresh_token"}
        token, refresh = self.issue(team)
        return {
            "ok": True,
            "app_id": "A0APP",
            "token_type": "bot",
            "access_token": token,
            "refresh_token": refresh,
            "expires_in": ROTATED_LIFETIME_SECONDS,
            "scope": "commands,chat:write,files:read,files:write",
            "bot_user_id": FAKE_BOT_USER,
            "team": {"id": team, "name": "Fake team"},
            "enterprise": None,
            "is_enterprise_install": False,
        }
