"""One escape at the edge: `bot.report.escaping` and the template environments that apply it everywhere."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from bot.report.escaping import Mrkdwn, escape_mrkdwn, mrkdwn_format, plain_text
from bot.report.render import render_error, render_progress, render_report
from bot.report.templating import _environment
from tests.report.summaries import summary, typed

CORPUS = {
    "<!channel>": "&lt;!channel&gt;",
    "<!here>": "&lt;!here&gt;",
    "<!subteam^S1>": "&lt;!subteam^S1&gt;",
    "<@U123>": "&lt;@U123&gt;",
    "<#C123>": "&lt;#C123&gt;",
    "<https://x|y>": "&lt;https://x|y&gt;",
    "Fish & Chips": "Fish &amp; Chips",
    "> quoted": "&gt; quoted",
    "zero\u200bwidth": "zero\u200bwidth",
    "rtl\u202eexe.csv": "rtlexe.csv",
}


@pytest.mark.parametrize(("raw", "escaped"), CORPUS.items())
def test_the_corpus_is_escaped_once(raw: str, escaped: str) -> None:
    assert escape_mrkdwn(raw) == escaped
    assert escape_mrkdwn(escape_mrkdwn(raw)) == escaped, "escaping twice changes nothing"


def test_plain_text_keeps_what_was_typed_but_drops_direction_overrides() -> None:
    assert plain_text("<!channel> & co") == "<!channel> & co"
    assert plain_text("report\u202ecsv.exe\u2066") == "reportcsv.exe"


def test_mrkdwn_format_escapes_values_and_keeps_the_templates_markup() -> None:
    text = mrkdwn_format("{user} re-ran *{name}*", user=Mrkdwn("<@U0USER>"), name="<!here>.csv")
    assert text == "<@U0USER> re-ran *&lt;!here&gt;.csv*"


def test_every_value_of_a_mrkdwn_template_is_escaped_even_without_the_filter() -> None:
    environment = _environment(for_json=False)
    assert environment.from_string("*{{ name }}*").render(name="<!channel>") == "*&lt;!channel&gt;*"
    assert environment.from_string("{{ name|mrkdwn }}").render(name="&") == "&amp;"
    joined = environment.from_string('{{ a|join(", ") }} / {{ a|map("mrkdwn")|join(", ") }}').render(a=["<x>", "&"])
    assert joined == "&lt;x&gt;, &amp; / &lt;x&gt;, &amp;"


def test_plain_text_fields_are_not_escaped_and_mrkdwn_fields_are_escaped_once() -> None:
    report = render_report(typed(summary(names=("Fish & <Chips>", "b", "c", "d"))), file_name="A&B <x>.csv", run_id=1)
    header = report.blocks[0]["text"]
    assert header == {"type": "plain_text", "text": "Segment report: A&B <x>.csv"}
    assert "*1. Fish &amp; &lt;Chips&gt;*" in str(report.blocks)
    assert "&amp;amp;" not in str(report.blocks) + report.text and "&amp;lt;" not in str(report.blocks)
    assert "A&amp;B &lt;x&gt;.csv" in report.text
    progress = render_progress("A&B <x>.csv", "queued")
    assert "*A&amp;B &lt;x&gt;.csv*" in progress.blocks[0]["elements"][0]["text"]
    error = render_error("Dataset '<!here>' & more")
    assert error.text == "Dataset '&lt;!here&gt;' &amp; more"


def _json_templates() -> list[tuple[str, str]]:
    root = resources.files("bot") / "templates"
    found = []
    for entry in root.iterdir():
        children = entry.iterdir() if entry.is_dir() else [entry]
        found += [(c.name, c.read_text(encoding="utf-8")) for c in children if c.name.endswith(".json.j2")]
    return found


@pytest.mark.parametrize(("name", "source"), _json_templates())
def test_mrkdwn_in_json_templates_comes_only_from_escaping_paths(name: str, source: str) -> None:
    """A JSON template does not mrkdwn-escape (plain_text must show as typed), so a value inside a mrkdwn text
    must be a rendered `*.md.j2` (`md(...)`), a constant (`msg.`), a formatted number, or name `|mrkdwn`."""
    rendered = set(re.findall(r"\{% set (\w+) = md\(", source))
    for line in source.splitlines():
        for text in re.findall(r'"type": "mrkdwn", "text": "(.*?)"}', line):
            for found in re.findall(r"\{\{(.*?)\}\}", text):
                expression = found.strip()
                formatted = re.search(r"\|(num|pct|compact|score|signed|lift|timestamp)(\(.*\))?$", expression)
                safe = (
                    expression.startswith(("md(", "msg."))
                    or expression.endswith("|mrkdwn")
                    or expression in rendered
                    or formatted
                )
                assert safe, f"{name}: {{{{ {expression} }}}} in a mrkdwn text is not escaped"
