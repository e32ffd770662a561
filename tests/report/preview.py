"""A local look at a rendered report: Block Kit -> a Slack-like HTML page -> a headless Chromium screenshot.

Not a test and not shipped; run `python -m tests.report.preview [OUT_DIR]` to write report.png and
chart.png (default: docs/). It segments the built-in sample audience with the real engine
and suggests creators from the sample catalog, exactly as the bot does.
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from bot.catalog.reading import read_catalog
from bot.report.chart import render_chart
from bot.report.render import render_report
from bot.report.report_input import ReportInput
from segmentation import segment
from segmentation.matching import match_influencers

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "bot" / "samples"
EMOJI = {
    ":warning:": "⚠️",
    ":information_source:": "ℹ️",
    ":hourglass_flowing_sand:": "⏳",
    ":inbox_tray:": "📥",
    ":busts_in_silhouette:": "👥",
    ":pushpin:": "📌",
}
STYLE = """
body { font-family: Lato, 'Helvetica Neue', Arial, sans-serif; font-size: 15px; color: #1d1c1d; margin: 0;
       background: #fff; }
.message { display: flex; gap: 10px; padding: 12px 20px; max-width: 900px; }
.avatar { width: 36px; height: 36px; border-radius: 6px; background: #4a6fa5; color: #fff; font-weight: bold;
          display: flex; align-items: center; justify-content: center; flex: none; }
.who b { margin-right: 6px; } .app { font-size: 10px; background: #e8e8e8; padding: 1px 3px; border-radius: 2px; }
.time { color: #616061; font-size: 12px; margin-left: 6px; }
h2 { font-size: 18px; margin: 8px 0 6px; } .section { margin: 6px 0; line-height: 1.45; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 6px 24px; margin-top: 6px; }
.context { color: #616061; font-size: 13px; margin: 6px 0; line-height: 1.4; }
hr { border: none; border-top: 1px solid #e2e2e2; margin: 10px 0; }
button { border: 1px solid #bbb; background: #fff; border-radius: 4px; padding: 5px 12px; margin-right: 8px;
         font-weight: bold; font-size: 14px; }
pre { background: #f8f8f8; border: 1px solid #e2e2e2; border-radius: 4px; padding: 8px; font-size: 12px; }
code { background: #f8f8f8; border: 1px solid #e2e2e2; border-radius: 3px; padding: 0 3px; font-size: 12px;
       color: #c01343; }
.chart { max-width: 860px; border: 1px solid #e2e2e2; border-radius: 6px; margin-top: 8px; }
"""


def demo_report() -> ReportInput:
    """The sample audience segmented by the real engine, with creators from the sample catalog."""
    result = segment(io.BytesIO((SAMPLES / "sample_audience.csv").read_bytes()))
    catalog = read_catalog((SAMPLES / "sample_influencers.csv").read_bytes(), source_name="sample_influencers.csv")
    return ReportInput.of(result, match_influencers(result, catalog.entries, per_segment=3))


def mrkdwn_to_html(text: str) -> str:
    """Enough of Slack's mrkdwn for a preview: code, bold, italics, emoji codes and line breaks."""
    parts = re.split(r"```\n?(.*?)```", text, flags=re.S)
    return "".join(f"<pre>{part}</pre>" if index % 2 else _inline_html(part) for index, part in enumerate(parts))


def _inline_html(text: str) -> str:
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"<b>\1</b>", text)
    text = re.sub(r"(?<![\w_])_([^_\n]+)_(?![\w_])", r"<i>\1</i>", text)
    for code, emoji in EMOJI.items():
        text = text.replace(code, emoji)
    return text.replace("\n", "<br>").replace("  ", "&nbsp; ")


def text_html(text: Mapping[str, Any]) -> str:
    return mrkdwn_to_html(text["text"]) if text["type"] == "mrkdwn" else html.escape(text["text"])


def block_html(block: Mapping[str, Any]) -> str:
    kind = block["type"]
    if kind == "header":
        return f"<h2>{text_html(block['text'])}</h2>"
    if kind == "divider":
        return "<hr>"
    if kind == "context":
        return '<div class="context">' + " ".join(text_html(e) for e in block["elements"]) + "</div>"
    if kind == "actions":
        return "<div>" + "".join(f"<button>{text_html(e['text'])}</button>" for e in block["elements"]) + "</div>"
    fields = "".join(f"<div>{text_html(f)}</div>" for f in block.get("fields", []))
    body = text_html(block["text"]) if "text" in block else ""
    return f'<div class="section">{body}' + (f'<div class="fields">{fields}</div>' if fields else "") + "</div>"


def page(blocks: list[dict[str, Any]], chart: bytes) -> str:
    chart_src = "data:image/png;base64," + base64.b64encode(chart).decode()
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><style>{STYLE}</style></head><body>"
        '<div class="message"><div class="avatar">S</div><div>'
        '<div class="who"><b>Segbot</b><span class="app">APP</span><span class="time">9:41 AM</span></div>'
        + "".join(block_html(b) for b in blocks)
        + f'<img class="chart" src="{chart_src}" alt="chart"></div></div></body></html>'
    )


def screenshot(html_path: Path, png_path: Path, height: int) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        raise SystemExit("no Chromium found: apt-get install -y chromium")
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--hide-scrollbars",
            f"--window-size=940,{height}",
            f"--screenshot={png_path}",
            html_path.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def write_preview(report: ReportInput, out: Path, *, details: bool, height: int) -> str:
    """report.png and chart.png in `out`; returns the message's fallback text."""
    out.mkdir(parents=True, exist_ok=True)
    message = render_report(report, file_name="sample_audience.csv", run_id=1, details=details)
    chart = render_chart(report)
    (out / "chart.png").write_bytes(chart)
    with tempfile.TemporaryDirectory() as scratch:
        html_path = Path(scratch) / "report.html"
        html_path.write_text(page(message.blocks, chart), encoding="utf-8")
        screenshot(html_path, out / "report.png", height)
    crop_blank_bottom(out / "report.png")
    return message.text


def crop_blank_bottom(png_path: Path, margin: int = 16) -> None:
    """Drop the white space below the message (the window is taller than the page)."""
    image = Image.open(png_path).convert("RGB")
    pixels = np.asarray(image)
    content_rows = np.flatnonzero((pixels < 250).any(axis=(1, 2)))
    if content_rows.size:
        image.crop((0, 0, image.width, min(image.height, int(content_rows[-1]) + margin))).save(png_path)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "docs")
    parser.add_argument("--details", action="store_true", help="the Show details version")
    parser.add_argument("--height", type=int, default=4000, help="screenshot height in pixels")
    args = parser.parse_args(argv)
    print(write_preview(demo_report(), args.out, details=args.details, height=args.height))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
