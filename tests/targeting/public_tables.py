"""Public tables shipped inside PyPI packages, read without importing the packages:
- lifetimes' CDNOW (`lifetimes` is in the test extra, installed by `make install`);
- ISLP's Caravan and Default, read straight out of the ISLP wheel that `make install` downloads, hash-checked,
  into `.venv/data-wheels` (requirements/data.lock) without installing it: its requirements pull in torch;
- plotly's gapminder, tips and wind, read out of the plotly wheel in the same way.
A missing table skips its test with the reason, and fails it when SEGBOT_REQUIRE_SHARED=1 (CI).
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import os
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from segmentation import SegmentationResult, segment

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
DATA_WHEELS = Path(sys.prefix) / "data-wheels"


def missing(reason: str) -> None:
    """Skip with `reason`, or fail when SEGBOT_REQUIRE_SHARED=1: CI must run every check on real files."""
    if os.environ.get("SEGBOT_REQUIRE_SHARED") == "1":
        pytest.fail(f"{reason} (SEGBOT_REQUIRE_SHARED=1 makes this a failure)")
    pytest.skip(reason)


def package_file(package: str, relative: str) -> Path:
    """A data file inside an installed package (found without importing it)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        missing(f"{package} is not installed: make install installs it (the test extra)")
    assert spec is not None and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    if not path.is_file():
        missing(f"{package} is installed without {relative}")
    return path


def islp_table(name: str) -> bytes:
    """ISLP's `data/<name>.csv`, read out of the downloaded wheel (requirements/data.lock)."""
    wheels = sorted(DATA_WHEELS.glob("islp-*.whl"))
    if not wheels:
        missing(f"no ISLP wheel in {DATA_WHEELS}: make install downloads it (requirements/data.lock)")
    with zipfile.ZipFile(wheels[-1]) as wheel:
        return wheel.read(f"ISLP/data/{name}.csv")


def plotly_table(name: str) -> bytes:
    """plotly's `package_data/datasets/<name>.csv.gz` (gapminder, tips, wind), read out of the downloaded wheel
    (requirements/data.lock) and decompressed."""
    wheels = sorted(DATA_WHEELS.glob("plotly-*.whl"))
    if not wheels:
        missing(f"no plotly wheel in {DATA_WHEELS}: make install downloads it (requirements/data.lock)")
    with zipfile.ZipFile(wheels[-1]) as wheel:
        return gzip.decompress(wheel.read(f"plotly/package_data/datasets/{name}.csv.gz"))


def cdnow_customers() -> pd.DataFrame:
    """CDNOW's 23,570 customers (lifetimes' CDNOW_master.txt, one row per purchase) as an RFM table."""
    path = package_file("lifetimes", "datasets/CDNOW_master.txt")
    rows = pd.read_csv(
        path,
        sep=r"\s+",
        names=["customer_id", "date", "cds", "spend"],
        skiprows=1,
        dtype={"customer_id": str, "date": str},
    )
    rows["date"] = pd.to_datetime(rows["date"], format="%Y%m%d")
    end = rows["date"].max()
    grouped = rows.groupby("customer_id")
    return pd.DataFrame(
        {
            "customer_id": grouped.size().index,
            "orders": grouped.size().to_numpy(),
            "cds_bought": grouped["cds"].sum().to_numpy(),
            "total_spend": grouped["spend"].sum().round(2).to_numpy(),
            "days_since_last_order": (end - grouped["date"].max()).dt.days.to_numpy(),
            "days_since_first_order": (end - grouped["date"].min()).dt.days.to_numpy(),
        }
    )


def shared_file(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.is_file():
        pytest.fail(f"the shared data set {path} is missing: the checks on real files need it")
    return path


@functools.cache
def segmented(*parts: str) -> SegmentationResult:
    """`segment()` of a shared file with the default options, computed once per test process: several tests read
    the same result (none changes it) and each run costs seconds."""
    return segment(shared_file(*parts).read_bytes())
