"""The one place user text is made safe for Slack: mrkdwn escaping and invisible-control stripping.

Slack parses message `text` and every mrkdwn text object for `<!channel>`, `<@U…>`, `<#C…>` and
`<https://…|label>`, so a CSV header, a file name, a cell value or a dataset name written as-is can ping a
channel or show a disguised link. `escape_mrkdwn` sends `&`, `<` and `>` as `&amp;`, `&lt;` and `&gt;`
(all Slack asks for) and drops bidirectional controls (a right-to-left override turns `report<U+202E>vsc.exe` into
what looks like `reportexe.csv`). plain_text fields are not parsed by Slack: they get `plain_text` (controls
dropped, nothing escaped, so nothing shows twice escaped).

Templates apply this automatically: every `{{ … }}` of a mrkdwn template is escaped unless it is already
`Mrkdwn` (the result of this module, or a macro marked `|rendered`), and every `{{ … }}` of a JSON template
loses its controls. Python code that must build a sentence uses `mrkdwn_format`, which escapes each value.
"""

from __future__ import annotations

import re

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Embeddings, overrides and isolates (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI).
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


class Mrkdwn(str):
    """Text that is already safe mrkdwn: user parts escaped, template markup (`*bold*`, `<@U…>`) kept."""

    __slots__ = ()


def plain_text(value: object) -> str:
    """User text for a plain_text field (or a file title): controls dropped, nothing escaped."""
    return _BIDI_CONTROLS.sub("", str(value))


def escape_mrkdwn(value: object) -> Mrkdwn:
    """User text for mrkdwn or a message's `text`; `Mrkdwn` passes through unchanged (never escaped twice)."""
    if isinstance(value, Mrkdwn):
        return value
    return Mrkdwn(plain_text(value).translate(_ESCAPES))


def rendered(value: object) -> Mrkdwn:
    """Mark template output (a macro's result) as already escaped."""
    return value if isinstance(value, Mrkdwn) else Mrkdwn(str(value))


def mrkdwn_format(template: str, /, **values: object) -> Mrkdwn:
    """`template.format(**values)` with every value escaped; the template itself is trusted markup.

    `mrkdwn_format("Re-running {name} with k={k}.", name=run.file_name, k=3)`; a mention the bot means to
    make is passed as `Mrkdwn(f"<@{user_id}>")` with an id Slack gave it.
    """
    return Mrkdwn(template.format(**{key: escape_mrkdwn(value) for key, value in values.items()}))
