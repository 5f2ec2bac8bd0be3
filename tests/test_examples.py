"""The gallery: every example runs on its own, with no warning but the one
plt.show() gives under a non-interactive backend."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("plot_*.py"))


def test_the_gallery_has_examples():
    assert len(EXAMPLES) >= 7


def _run_example(script, cwd):
    # The examples end with plt.show(), which warns under a non-interactive
    # backend; every other warning is an error, as in the rest of the suite.
    # One BLAS thread each, since two examples run at a time.
    env = {
        **os.environ,
        "MPLBACKEND": "Agg",
        "PYTHONWARNINGS": "error,ignore:FigureCanvasAgg is non-interactive:UserWarning",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    return subprocess.run(
        [sys.executable, str(script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def example_runs(request, tmp_path_factory):
    """The selected examples, run two at a time from the first test that asks."""
    selected = [
        item.callspec.params["script"]
        for item in request.session.items
        if getattr(item, "originalname", None)
        == test_example_runs_on_its_own_without_warnings.__name__
    ]
    cwd = tmp_path_factory.mktemp("examples")
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield {script: pool.submit(_run_example, script, cwd) for script in selected}


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda path: path.name)
def test_example_runs_on_its_own_without_warnings(script, example_runs):
    result = example_runs[script].result()
    assert result.returncode == 0, result.stderr[-3000:]
