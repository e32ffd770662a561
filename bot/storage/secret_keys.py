"""SEGBOT_SECRET_KEY: the Fernet key ring that encrypts every secret Segbot stores (source URLs, Slack tokens).

The setting holds one key, or several separated by commas while a key is being rotated: the first key encrypts,
every key decrypts (Fernet's MultiFernet). `segbot db rekey` re-encrypts every stored secret with the first key,
after which the old keys can be removed (docs/data-and-tokens.md).
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.errors import ConfigurationError

NEW_KEY_HINT = (
    'generate one with: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


class SecretCipher:
    """Encrypts with the first key of SEGBOT_SECRET_KEY and decrypts with any of them."""

    #: What needs the key, and what cannot be read without the right one (each subclass words it for its secrets).
    needs_key = "Storing a secret needs SEGBOT_SECRET_KEY"
    unreadable = "A stored secret cannot be decrypted with SEGBOT_SECRET_KEY; restore the key it was stored with"

    def __init__(self, key: str | None) -> None:
        keys = [part.strip() for part in (key or "").split(",") if part.strip()]
        if not keys:
            raise ConfigurationError(f"{self.needs_key}; {NEW_KEY_HINT}.")
        try:
            self._fernet = MultiFernet([Fernet(part.encode()) for part in keys])
        except ValueError as error:
            raise ConfigurationError(
                "SEGBOT_SECRET_KEY is not a Fernet key (32 url-safe base64 bytes), nor a comma-separated list of "
                f"them; {NEW_KEY_HINT}."
            ) from error

    def encrypt(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as error:
            raise ConfigurationError(f"{self.unreadable}.") from error

    def rotate(self, token: str) -> str:
        """`token` re-encrypted with the first key (it may have been written with any key of the ring)."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken as error:
            raise ConfigurationError(f"{self.unreadable}.") from error
