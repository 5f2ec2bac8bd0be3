"""The benchmark script runs (on tiny workloads) and prints its table."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_bench_epoch_quick_run_prints_a_row_per_workload():
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_epoch.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [line.split()[0] for line in result.stdout.splitlines() if line[:1] == "W"]
    assert rows == ["W1", "W2", "W3", "W4", "W5"], result.stdout


def test_bench_breakdown_pieces_add_up_to_the_total():
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_breakdown.py"),
            *("--workloads", "W1", "W3", "--repeats", "1"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [line.split() for line in result.stdout.splitlines() if line[:1] == "W"]
    assert [row[0] for row in rows] == ["W1", "W3"], result.stdout
    for row in rows:  # printed values are rounded: ±0.5 µs each at worst
        floor, gather, fwd_bwd, l2, step, elem, total = map(float, row[1:8])
        assert total == pytest.approx(gather + fwd_bwd + l2 + step, abs=2.5)
        assert elem == pytest.approx(fwd_bwd - floor, abs=1.5)
        assert float(row[8]) == pytest.approx(total / floor, rel=0.05)
