"""Public tables shipped inside PyPI packages (lifetimes' CDNOW, ISLP's Caravan and Default), found without
importing the packages (ISLP's import pulls in torch). A test that needs one skips, saying which package to
install, when it is absent; the shared customer files are always there and are asserted in CI."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"


def package_file(package: str, relative: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        pytest.skip(f"{package} is not installed (pip install {package} to run this check on its data)")
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    if not path.is_file():
        pytest.skip(f"{package} is installed without {relative}")
    return path


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
