"""Slack tokens at rest: each token column holds `fernet:` + a Fernet token of SEGBOT_SECRET_KEY, never the token.

`TokenCipher.seal` / `unseal` are what the installation store (`bot.slack.installations`) applies on every
write and read; `reseal_stored_tokens` rewrites the rows already stored: plain-text tokens left by an older
Segbot (the migration `0005_slack_oauth` and every OAuth start do this) and, for `segbot db rekey`, tokens
written with an older key of the ring.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import Connection

from bot.storage.secret_keys import SecretCipher

PREFIX = "fernet:"

# Every column that holds a Slack token (or a URL that works as one), per table.
TOKEN_COLUMNS: dict[str, tuple[str, ...]] = {
    "slack_installations": (
        "bot_token",
        "bot_refresh_token",
        "user_token",
        "user_refresh_token",
        "incoming_webhook_url",
    ),
    "slack_bots": ("bot_token", "bot_refresh_token"),
}


class TokenCipher(SecretCipher):
    """Seals and unseals Slack tokens with the key ring of SEGBOT_SECRET_KEY."""

    needs_key = (
        "Installing Segbot in several workspaces (SLACK_CLIENT_ID) stores their Slack tokens encrypted and "
        "needs SEGBOT_SECRET_KEY"
    )
    unreadable = (
        "A stored Slack token cannot be decrypted with SEGBOT_SECRET_KEY; restore the key it was stored with "
        "(list old keys after the new one, separated by commas), or install the app in that workspace again"
    )

    def seal(self, value: str | None) -> str | None:
        if value is None or is_sealed(value):
            return value
        return PREFIX + self.encrypt(value)

    def unseal(self, value: str | None) -> str | None:
        """The token; a plain-text value (written by an older Segbot, sealed at the next start) as it is."""
        if value is None or not is_sealed(value):
            return value
        return self.decrypt(value.removeprefix(PREFIX))

    def reseal(self, value: str) -> str:
        """`value` sealed with the first key of the ring, whatever key (or none) it had."""
        if not is_sealed(value):
            return PREFIX + self.encrypt(value)
        return PREFIX + self.rotate(value.removeprefix(PREFIX))


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


@dataclass(frozen=True)
class ResealReport:
    rows: int
    values: int


def reseal_stored_tokens(connection: Connection, cipher: TokenCipher, *, rotate: bool = False) -> ResealReport:
    """Seal every plain-text token (and, with `rotate`, re-encrypt every sealed one with the first key)."""
    inspector = sa.inspect(connection)
    existing = set(inspector.get_table_names())
    rows = values = 0
    for name, columns in TOKEN_COLUMNS.items():
        if name not in existing:
            continue
        table = sa.table(name, sa.column("id"), *(sa.column(column) for column in columns))
        for row in connection.execute(sa.select(table)).mappings().all():
            changes = {
                column: cipher.reseal(row[column])
                for column in columns
                if row[column] is not None and (rotate or not is_sealed(row[column]))
            }
            if changes:
                connection.execute(sa.update(table).where(table.c.id == row["id"]).values(**changes))
                rows += 1
                values += len(changes)
    return ResealReport(rows=rows, values=values)
