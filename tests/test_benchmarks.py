"""The benchmark script runs (on tiny workloads) and prints its table."""

import os
import subprocess
import sys
from pathlib import Path

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
