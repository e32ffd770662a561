"""Keeping source URLs secret: Fernet encryption at rest (key ring SEGBOT_SECRET_KEY) and masked display forms."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.storage.secret_keys import SecretCipher

MASK = "***"


class SourceCipher(SecretCipher):
    """Encrypts and decrypts source URLs with the workspace-independent key ring of SEGBOT_SECRET_KEY."""

    needs_key = "Storing a URL or database source needs SEGBOT_SECRET_KEY"
    unreadable = (
        "A stored source cannot be decrypted with the current SEGBOT_SECRET_KEY; restore the key it was "
        "stored with, or set the source again"
    )


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
