"""Small audience files built in code, as the bytes an upload would have."""

from __future__ import annotations

import numpy as np

BILLS_DAYS = ("Thur", "Fri", "Sat", "Sun")


def restaurant_bills(seed: int = 0, rows: int = 244) -> bytes:
    """The restaurant-bills shape (total_bill, tip, sex, smoker, day, time, size): no interests, country or age."""
    rng = np.random.default_rng(seed)
    lines = ["total_bill,tip,sex,smoker,day,time,size"]
    for _ in range(rows):
        bill = float(rng.gamma(4, 5))
        lines.append(
            f"{bill:.2f},{bill * rng.uniform(0.08, 0.22):.2f},{rng.choice(['Female', 'Male'], p=[0.36, 0.64])},"
            f"{rng.choice(['Yes', 'No'])},{rng.choice(BILLS_DAYS)},{rng.choice(['Lunch', 'Dinner'])},"
            f"{int(rng.integers(1, 7))}"
        )
    return ("\n".join(lines) + "\n").encode()
