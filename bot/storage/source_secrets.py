"""Keeping source URLs secret: Fernet encryption at rest (key SEGBOT_SECRET_KEY) and masked display forms."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from cryptography.fernet import Fernet, InvalidToken

from bot.errors import ConfigurationError

MASK = "***"
NEW_KEY_HINT = (
    'generate one with: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


class SourceCipher:
    """Encrypts and decrypts source URLs with the workspace-independent key from SEGBOT_SECRET_KEY."""

    def __init__(self, key: str | None) -> None:
        if not key:
            raise ConfigurationError(f"Storing a URL or database source needs SEGBOT_SECRET_KEY; {NEW_KEY_HINT}.")
        try:
            self._fernet = Fernet(key.encode())
        except ValueError as error:
            raise ConfigurationError(
                f"SEGBOT_SECRET_KEY is not a Fernet key (32 url-safe base64 bytes); {NEW_KEY_HINT}."
            ) from error

    def encrypt(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as error:
            raise ConfigurationError(
                "A stored source cannot be decrypted with the current SEGBOT_SECRET_KEY; restore the key it was "
                "stored with, or set the source again."
            ) from error


def masked_url(url: str) -> str:
    """`url` with its password and query values replaced by *** (user name, host, path and keys stay)."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        credentials, host = netloc.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        netloc = f"{user}:{MASK}@{host}" if ":" in credentials else f"{user}@{host}"
    query = urlencode([(key, MASK) for key, _ in parse_qsl(parts.query, keep_blank_values=True)], safe="*")
    if not parts.scheme:
        return urlunsplit(("", netloc, parts.path, query, ""))
    return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")
