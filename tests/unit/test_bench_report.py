"""``benchmarks/run.py``'s report: paired ratios and the targets of issue 23 with PASS, MISS
or n/a (never a timed test: the figures here are made up)."""

from __future__ import annotations

from benchmarks.run import FLOOR, MINIMAL_APP, Case, paired, report


def case(size: int, people: int, name: str, *times: float, peak: float = 20.0) -> Case:
    return Case(size, people, name, [], {}, list(times), peak)


def test_a_ratio_is_the_median_of_the_rounds_ratios() -> None:
    a = case(1, 1, "a", 100, 300, 200)
    b = case(1, 1, "b", 50, 100, 200)  # rounds: 2.0, 3.0, 1.0
    assert paired(a, b) == 2.0


def test_targets_pass_miss_and_not_measured() -> None:
    cases = [
        case(0, 0, FLOOR, 20, 20, 20),
        case(0, 0, MINIMAL_APP, 100, 100, 100),
        case(10_000, 200, "respond today", 90, 95, 99),  # 0.9x the app: PASS
        case(10_000, 200, "respond add", 80, 80, 80),  # 4x the floor: MISS
        case(10_000, 200, "respond prompt", 25, 25, 25),
        case(10_000, 200, "respond week", 100, 100, 100),
        case(10_000, 200, "task history.weekly", 50, 50, 50),
        case(10_000, 200, "task next", 45, 45, 45),
        case(10_000, 2000, "respond today", 99, 99, 99),
        case(10_000, 2000, "respond add", 85, 85, 85),
    ]
    tables, targets, anchor = report(cases, [(10_000, 200), (10_000, 2000)])
    verdicts = {target: met for target, met, _ in targets}
    assert verdicts[f"today <= 1.0x a {MINIMAL_APP}"] is True
    assert verdicts["add <= 3x python -c pass"] is False
    assert verdicts["week <= 1.5x task history.weekly"] is False
    assert verdicts["prompt <= 1.5x python -c pass"] is True
    assert verdicts["today with 2,000 people <= 1.1x with 200"] is True
    assert verdicts["add with 2,000 people <= 1.1x with 200"] is True
    assert verdicts["today at 100k <= 1.25x at 1k (200 people)"] is None
    assert verdicts["today's peak memory at 100k <= 25 MB"] is None
    assert "2.11x" in anchor  # 95 / 45, paired
    assert "| `respond today` | 95.0 (4.8x) | 99.0 (5.0x) |" in tables


def test_cpu_time_is_shown_beside_wall_time() -> None:
    floor = Case(0, 0, FLOOR, [], {}, [20, 20], 11, cpu=[10, 10])
    app = Case(0, 0, MINIMAL_APP, [], {}, [100, 100], 20, cpu=[50, 60])
    today = Case(10_000, 200, "respond today", [], {}, [90, 90], 25, cpu=[60, 60])
    tables, targets, _ = report([floor, app, today], [(10_000, 200)])
    assert "| `respond today` | 60.0 (6.0x) |" in tables  # median CPU and x the floor's
    detail = {target: text for target, _, text in targets}[f"today <= 1.0x a {MINIMAL_APP}"]
    assert detail.endswith("CPU 1.10x")  # median of 60/50 and 60/60
