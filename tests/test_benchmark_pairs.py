"""The cold-start benchmark judges its wall-time targets on pairs: each run divided by a bare start next to it.

A host whose speed drifts between rounds moves both starts of a pair alike, so the pairs' median keeps the true ratio
where the ratio of two medians, taken over runs seconds apart, does not.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).with_name("benchmarks")))

from bench_common import table
from bench_startup import Run, paired_ratio, rows


def run(seconds: float, *, cpu: float | None = None) -> Run:
    return Run(seconds, seconds if cpu is None else cpu, seconds, 40.0, 36.0, "", "")


def drifting_results(true_ratio: float) -> dict[str, list[Run]]:
    """Five rounds on a host that gets 2.5x slower in its last two; the bare runs spread over the rounds met the fast
    host more often than the ones next to ours."""
    speeds = [1.0, 1.0, 1.0, 2.5, 2.5]
    bare_beside = [run(0.2 * speed) for speed in speeds]
    results = {kind: [run(0.2 * speed * true_ratio) for speed in speeds] for kind in ("tui_first", "tui_signed_in")}
    results |= {"tui_first/bare": bare_beside, "tui_signed_in/bare": bare_beside,
                "bare": [run(0.2)] * 5, "status": [run(0.04 * speed) for speed in speeds],
                "status/bare": bare_beside}
    for kind in ("bare_form", "window", "page", "python", "floor", "tui_settled", "bare_https", "bare_page_https",
                 "start_page_https"):
        results[kind] = [run(0.2)] * 5
    return results


def test_the_pairs_keep_the_true_ratio_on_a_drifting_host() -> None:
    results = drifting_results(1.2)

    assert round(paired_ratio(results, "tui_first", lambda r: r.first_draw, lambda r: r.first_draw), 6) == 1.2
    assert round(paired_ratio(results, "tui_first", lambda r: r.first_draw_cpu, lambda r: r.first_draw_cpu), 6) == 1.2


def test_a_target_row_is_judged_and_printed_on_the_paired_ratio() -> None:
    results = drifting_results(1.3)
    results["bare"] = [run(0.5)] * 5  # the medians alone would give 0.52x and pass

    cold_start = next(row for row in rows(results, "status imports …: none") if row.name.startswith("cold start to"))

    assert not cold_start.met
    assert cold_start.ratio == "1.30x"
    assert "the medians of all runs give 0.52x" in cold_start.note
    assert "| 1.30x | <= 1.25x | FAIL (median of 5 pairs" in table([cold_start], markdown=True)


def test_status_is_paired_against_the_bare_apps_first_frame() -> None:
    results = drifting_results(1.0)
    # the bare app's exit comes long after its first frame; status is compared with the first frame, as before pairing
    results["status/bare"] = [Run(0.2, 0.2, 9.0, 40.0, 36.0, "", "") for _ in range(5)]

    status = next(row for row in rows(results, "status imports …: none") if row.name.startswith("status --json"))

    assert status.ratio == "0.20x" and status.met
