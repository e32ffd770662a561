"""The installation store: slack_sdk's SQLAlchemy store wrapped so every token is sealed at rest.

`EncryptedInstallationStore` seals the token fields of an installation or bot before slack_sdk writes them and
unseals them after it reads them (`bot.storage.token_secrets`); every other field and every query is
slack_sdk's. Bolt's OAuth flow, Segbot's token selection (`bot.slack.tokens`) and uninstalls all go through it.
"""

from __future__ import annotations

from collections.abc import Callable
from logging import Logger

from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore

from bot.storage.token_secrets import TOKEN_COLUMNS, TokenCipher

Transform = Callable[[str | None], str | None]


class EncryptedInstallationStore(InstallationStore):
    """Delegates to `inner`, sealing tokens on the way in and unsealing them on the way out."""

    def __init__(self, inner: InstallationStore, cipher: TokenCipher) -> None:
        self.inner = inner
        self.cipher = cipher

    @property
    def logger(self) -> Logger:
        return self.inner.logger

    def save(self, installation: Installation) -> None:
        self.inner.save(_installation_with(installation, self.cipher.seal))

    def save_bot(self, bot: Bot) -> None:
        self.inner.save_bot(_bot_with(bot, self.cipher.seal))

    def find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        bot = self.inner.find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
        )
        return None if bot is None else _bot_with(bot, self.cipher.unseal)

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        installation = self.inner.find_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id, is_enterprise_install=is_enterprise_install
        )
        return None if installation is None else _installation_with(installation, self.cipher.unseal)

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.inner.delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        self.inner.delete_installation(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.inner.delete_all(enterprise_id=enterprise_id, team_id=team_id)


def _installation_with(installation: Installation, transform: Transform) -> Installation:
    copy = Installation(**installation.to_dict_for_copying())
    for field in TOKEN_COLUMNS["slack_installations"]:
        setattr(copy, field, transform(getattr(installation, field)))
    return copy


def _bot_with(bot: Bot, transform: Transform) -> Bot:
    copy = Bot(**bot.to_dict_for_copying())
    for field in TOKEN_COLUMNS["slack_bots"]:
        setattr(copy, field, transform(getattr(bot, field)))
    return copy
