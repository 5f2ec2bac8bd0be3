"""The benchmark script runs (on tiny workloads) and prints its table."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(script, *args):
    """The benchmark script's output, run with warnings as errors."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_bench_epoch_quick_run_prints_a_row_per_workload():
    result = _run("bench_epoch.py", "--quick")
    rows = [line.split()[0] for line in result.stdout.splitlines() if line[:1] == "W"]
    assert rows == ["W1", "W2", "W3", "W4", "W5"], result.stdout


def test_bench_breakdown_pieces_add_up_to_the_total():
    result = _run("bench_breakdown.py", "--workloads", "W1", "W3", "--repeats", "1")
    rows = [line.split() for line in result.stdout.splitlines() if line[:1] == "W"]
    assert [row[0] for row in rows] == ["W1", "W3"], result.stdout
    for row in rows:  # printed values are rounded: ±0.5 µs each at worst
        floor, gather, fwd_bwd, l2, step, elem, total = map(float, row[1:8])
        assert total == pytest.approx(gather + fwd_bwd + l2 + step, abs=2.5)
        assert elem == pytest.approx(fwd_bwd - floor, abs=1.5)
        assert float(row[8]) == pytest.approx(total / floor, rel=0.05)


def test_bench_defaults_prints_a_scaled_and_an_unscaled_table():
    result = _run("bench_defaults.py", "--datasets", "iris", "wine", "--seeds", "1")
    lines = result.stdout.splitlines()
    titles = [i for i, line in enumerate(lines) if line.startswith(("scaled", "unsc"))]
    assert [lines[i].split(":")[0] for i in titles] == ["scaled", "unscaled"]
    for i in titles:
        header, *rows = lines[i + 1 : i + 4]
        assert header.split()[:6] == [
            "dataset",
            "η",
            "auto",
            "ours",
            "adam",
            "sgd-0.05",
        ]
        assert [row.split()[0] for row in rows] == ["iris", "wine"]
        for row in rows:
            eta, *accuracies = map(float, row.split()[1:5])
            assert all(0 <= a <= 1 for a in accuracies)
            if lines[i].startswith("scaled"):
                assert eta == 0.05
            else:  # raw iris and wine: RMS of X about 4 and 220
                assert 0 < eta < 0.02
