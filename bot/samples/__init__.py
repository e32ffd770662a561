"""Shipped sample data: the synthetic demo audience and creator catalog, read as package data.

`sample_file(AUDIENCE)` finds the file through importlib.resources, so it works the same from a checkout, an
editable install or a plain `pip install` of the wheel. `python -m bot.samples.regenerate` rewrites the audience;
`python -m bot.catalog.sample_catalog` the catalog (both write into a checkout).
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

AUDIENCE = "sample_audience.csv"
CATALOG = "sample_influencers.csv"


def sample_file(name: str) -> Traversable:
    """One shipped sample (`AUDIENCE` or `CATALOG`): `.read_bytes()` gives its content, `.name` its file name."""
    return files(__name__) / name
