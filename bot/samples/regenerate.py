"""Rewrite `bot/samples/sample_audience.csv` from the seeded generator: `python -m bot.samples.regenerate`."""

from __future__ import annotations

from pathlib import Path

from segmentation.sample_audience import sample_audience_csv

SAMPLE_PATH = Path(__file__).with_name("sample_audience.csv")


def main() -> None:
    SAMPLE_PATH.write_text(sample_audience_csv(), encoding="utf-8", newline="")


if __name__ == "__main__":
    main()
