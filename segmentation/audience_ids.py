"""Audiences to export: which of a file's columns identify people, and what kind of id each one is.

Identifier columns are the ones the engine set aside as identifiers (customer ids, emails, phone numbers,
UUIDs). Their kind names the header of an ad-platform / CRM upload: "email", "phone" or "customer_id".
Emails are personal data: `export_id_column` never picks one unless it is asked for by name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from segmentation.errors import InvalidOptionError
from segmentation.near_names import closest_name
from segmentation.result import ColumnRole

EMAIL_WORDS = ("email", "mail", "e mail")
PHONE_WORDS = ("phone", "mobile", "msisdn", "tel", "telephone")


@dataclass(frozen=True)
class IdColumn:
    """An identifier column and its kind: "email", "phone" or "customer_id"."""

    name: str
    kind: str

    @property
    def personal(self) -> bool:
        """Emails and phone numbers reach a person directly: exported only on request, never posted."""
        return self.kind in ("email", "phone")


def id_columns(roles: Sequence[ColumnRole]) -> tuple[IdColumn, ...]:
    """The file's identifier columns in file order."""
    return tuple(IdColumn(role.name, _kind(role)) for role in roles if role.role == "identifier")


def export_id_column(roles: Sequence[ColumnRole], requested: str | None = None) -> IdColumn:
    """The column one segment is exported by: `requested` (any identifier, emails included), else the first
    identifier that is not an email or phone number."""
    found = id_columns(roles)
    if requested is not None:
        chosen = next((c for c in found if c.name == requested), None)
        if chosen is None:
            names = ", ".join(c.name for c in found) or "none"
            close = closest_name(requested, [c.name for c in found])
            raise InvalidOptionError(
                f"--id {requested} is not an identifier column of this file (identifiers: {names})"
                + (f"; did you mean '{close}'?" if close else ".")
            )
        return chosen
    plain = next((c for c in found if not c.personal), None)
    if plain is not None:
        return plain
    if found:
        raise InvalidOptionError(
            f"This file identifies people only by {found[0].kind} ({found[0].name}), which Segbot exports only "
            f"on request; add --id {found[0].name}."
        )
    raise InvalidOptionError(
        "This file has no identifier column (customer id, email), so a segment cannot be exported as an audience; "
        "use --labels-out for row numbers, or add an id column to the export."
    )


def _kind(role: ColumnRole) -> str:
    words = " ".join(re.split(r"[^a-z0-9]+", role.name.lower()))
    if "email" in role.reason.lower() or any(re.search(rf"\b{w}\b", words) for w in EMAIL_WORDS):
        return "email"
    if any(re.search(rf"\b{w}\b", words) for w in PHONE_WORDS):
        return "phone"
    return "customer_id"
