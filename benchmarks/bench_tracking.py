"""Recognising segments across runs: Segbot's tracking against matching segments by their engine names.

For several seeded planted audiences (4 true segments), two runs are drawn with exactly one planted change each:
the same people again, one segment doubled, one gone, one new, one segment five years older, four segments
clustered as three (a merge) and three as four (a split). An outcome is right when the counts of continuing,
new, gone, merged and split segments are the planted ones AND every continuing pair holds the same true segment
(the majority of its people). The baseline is what a digest without tracking would do: call a segment the same
when the engine gives it the same name, new or gone otherwise; it cannot see merges or splits.

Run: python -m benchmarks.bench_tracking
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from benchmarks.results_section import markdown_table, write_section
from segmentation import SegmentationResult, segment
from segmentation.synthetic import planted_audience
from segmentation.tracking import track_segments

SEEDS = (3, 7, 11, 19, 23)
BASE = {0: 300, 1: 300, 2: 300, 3: 300}
Structure = tuple[int, int, int, int, int]  # continuing, new, gone, merges, splits


@dataclass(frozen=True)
class Run:
    result: SegmentationResult
    truth: np.ndarray

    def majority(self, segment_id: int) -> int:
        return int(np.bincount(self.truth[self.result.labels == segment_id]).argmax())


@dataclass(frozen=True)
class Case:
    scenario: str
    before: Run
    after: Run
    expected: Structure


def _draw(pool: pd.DataFrame, truth: np.ndarray, sizes: dict[int, int], rng: np.random.Generator) -> tuple:
    rows = np.concatenate([rng.choice(np.flatnonzero(truth == s), n, replace=False) for s, n in sizes.items()])
    return pool.iloc[rows].reset_index(drop=True), truth[rows]


def cases(seed: int) -> list[Case]:
    pool, truth = planted_audience(k=4, n_rows=8000, seed=seed)
    rng = np.random.default_rng(seed)

    def run(sizes: dict[int, int], *, older: int | None = None, k: int | None = None) -> Run:
        table, drawn = _draw(pool, truth, sizes, rng)
        if older is not None:
            table.loc[drawn == older, "age"] += 5
        return Run(segment(table, k=k), drawn)

    base = run(BASE)
    three = run({0: 300, 1: 300, 2: 300})
    table, drawn = _draw(pool, truth, BASE, rng)
    as_four, as_three = Run(segment(table, k=4), drawn), Run(segment(table, k=3), drawn)
    return [
        Case("same people again", base, run(BASE), (4, 0, 0, 0, 0)),
        Case("one segment doubled", base, run({**BASE, 2: 600}), (4, 0, 0, 0, 0)),
        Case("one segment gone", base, three, (3, 0, 1, 0, 0)),
        Case("one segment new", three, base, (3, 1, 0, 0, 0)),
        Case("one segment 5 years older", base, run(BASE, older=2), (4, 0, 0, 0, 0)),
        Case("two segments merged", as_four, as_three, (2, 0, 0, 1, 0)),
        Case("one segment split", as_three, as_four, (2, 0, 0, 0, 1)),
    ]


def segbot(case: Case) -> tuple[Structure, bool]:
    tracking = track_segments(case.before.result, case.after.result)
    engine_ids = {t.id: t.engine_id for t in tracking.segments}
    pairs = [(t.previous[0].id, engine_ids[t.id]) for t in tracking.continuing]
    structure = (
        len(tracking.continuing),
        len(tracking.new),
        len(tracking.gone),
        len(tracking.merges),
        len(tracking.splits),
    )
    return structure, _same_people(case, pairs)


def by_name(case: Case) -> tuple[Structure, bool]:
    before = {s.name: s.id for s in case.before.result.segments}
    after = {s.name: s.id for s in case.after.result.segments}
    shared = before.keys() & after.keys()
    structure = (len(shared), len(after.keys() - shared), len(before.keys() - shared), 0, 0)
    return structure, _same_people(case, [(before[n], after[n]) for n in shared])


def _same_people(case: Case, pairs: list[tuple[int, int]]) -> bool:
    return all(case.before.majority(p) == case.after.majority(c) for p, c in pairs)


def main() -> None:
    warnings.simplefilter("ignore", RuntimeWarning)
    approaches: dict[str, Callable[[Case], tuple[Structure, bool]]] = {"Segbot tracking": segbot, "same name": by_name}
    right: dict[tuple[str, str], int] = {}
    timings: list[float] = []
    scenarios: list[str] = []
    for seed in SEEDS:
        for case in cases(seed):
            if case.scenario not in scenarios:
                scenarios.append(case.scenario)
            for label, approach in approaches.items():
                started = time.perf_counter()
                structure, same = approach(case)
                if label == "Segbot tracking":
                    timings.append(time.perf_counter() - started)
                key = (case.scenario, label)
                right[key] = right.get(key, 0) + int(structure == case.expected and same)
    rows = [[s, *(f"{right.get((s, a), 0)}/{len(SEEDS)}" for a in approaches)] for s in scenarios]
    totals = [sum(right.get((s, a), 0) for s in scenarios) for a in approaches]
    rows.append(["**all**", *(f"**{t}/{len(SEEDS) * len(scenarios)}**" for t in totals)])
    body = (
        f"Planted audiences (4 true segments, 300 people each unless changed), seeds {', '.join(map(str, SEEDS))}; "
        "a case is right when the continuing / new / gone / merged / split counts are the planted ones and every "
        "continuing pair holds the same true segment.\n\n"
        + markdown_table(["planted change", *approaches], rows)
        + f"\n\nSegbot's tracking takes {np.median(timings) * 1000:.1f} ms per comparison (median)."
    )
    write_section("tracking", "Segment tracking across runs", body)


if __name__ == "__main__":
    main()
