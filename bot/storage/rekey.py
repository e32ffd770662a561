"""`segbot db rekey`: every stored secret (Slack tokens, source URLs) re-encrypted with the first key of the ring."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select, update

from bot.errors import ConfigurationError
from bot.storage.secret_keys import NEW_KEY_HINT
from bot.storage.source_secrets import SourceCipher
from bot.storage.tables_digests import dataset_sources
from bot.storage.token_secrets import TokenCipher, reseal_stored_tokens


@dataclass(frozen=True)
class RekeyReport:
    tokens: int
    sources: int


def rekey_secrets(engine: Engine, key: str | None) -> RekeyReport:
    """Re-encrypt in one transaction: a secret no key of the ring opens stops it, and nothing is changed."""
    if not key:
        raise ConfigurationError(
            "Re-encrypting needs SEGBOT_SECRET_KEY: the new key first, then the old ones, separated by commas; "
            f"{NEW_KEY_HINT}."
        )
    sources = SourceCipher(key)
    with engine.begin() as connection:
        tokens = reseal_stored_tokens(connection, TokenCipher(key), rotate=True)
        rows = connection.execute(
            select(dataset_sources.c.dataset_id, dataset_sources.c.secret).where(dataset_sources.c.secret.is_not(None))
        ).all()
        for row in rows:
            connection.execute(
                update(dataset_sources)
                .where(dataset_sources.c.dataset_id == row.dataset_id)
                .values(secret=sources.rotate(row.secret))
            )
    return RekeyReport(tokens=tokens.values, sources=len(rows))
