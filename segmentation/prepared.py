"""The audience table after cleaning: typed columns that clustering and profiling both read.

`columns.py` (roles) and the value parsers produce it; `features.py` turns it into the clustering matrix and
`profiles.py` / `audience.py` describe segments from it. Every array has one entry per input row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from segmentation.result import ColumnRole, Role


@dataclass(frozen=True)
class PreparedColumn:
    """One analysable column, already parsed.

    - numeric / boolean / date-derived: `numbers` (float64, NaN where missing; booleans as 0/1; a date
      column becomes one or more derived numeric columns, e.g. "days since signup_date", with `source`
      naming the original date column).
    - categorical: `categories` (pandas Categorical; NaN where missing).
    - multilabel: `labels` (CSR matrix, rows x len(vocabulary), 1 where the row has the label) and
      `labels_known` (bool per row: the cell was not missing).
    `unit` says how to show numbers to people: "currency", "percent", "days", "years" (a duration), "year" (a
    calendar year: 2006, never 2,006) or None.
    """

    name: str
    role: Role
    semantic: str | None = None
    source: str | None = None
    unit: str | None = None
    numbers: np.ndarray | None = None
    categories: pd.Categorical | None = None
    labels: sparse.csr_matrix | None = None
    vocabulary: tuple[str, ...] = ()
    labels_known: np.ndarray | None = None
    used: bool = True


@dataclass(frozen=True)
class PreparedTable:
    """Typed columns plus the role decided for every input column (used or not, with the reason)."""

    n_rows: int
    columns: tuple[PreparedColumn, ...]
    roles: tuple[ColumnRole, ...]
    # The latest year seen in the data's date columns (ages from a "birth_year" column are counted up to it,
    # never up to the clock); None when the table has no dates.
    reference_year: int | None = None
    # What one row is, for the words shown: "people" when person columns say so (age, gender, email, ...),
    # "bills", "transactions", "channels" or "accounts" (social media) when the columns describe those, else "rows".
    row_noun: str = "people"

    def used_columns(self) -> tuple[PreparedColumn, ...]:
        return tuple(column for column in self.columns if column.used)

    def by_semantic(self, semantic: str) -> PreparedColumn | None:
        """The column recognised as e.g. "age", "gender", "country" or "interests" (used or not)."""
        return next((column for column in self.columns if column.semantic == semantic), None)
