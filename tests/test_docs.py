"""The documentation: every public name has an API entry, every example runs,
and every printed figure of a page is a doctest that passes."""

import doctest
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import skmanualnet

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("plot_*.py"))
PAGES = sorted((ROOT / "docs").glob("*.rst"))


@pytest.mark.parametrize("name", sorted(set(skmanualnet.__all__) - {"__version__"}))
def test_every_public_name_is_in_the_api_reference(name):
    api = (ROOT / "docs" / "api.rst").read_text(encoding="utf-8")
    documented = re.findall(
        r"^\.\. auto(?:class|function|exception):: (\w+)", api, flags=re.M
    )
    assert name in documented, f"docs/api.rst has no autodoc entry for {name}"


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


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.name)
def test_the_doctests_of_each_page_pass(page, tmp_path, monkeypatch, capsys):
    """A ``>>>`` block of a page is run and its output compared with the page's;
    a page that shows output in a plain code block has no way to stay true."""
    monkeypatch.chdir(tmp_path)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    failed, attempted = doctest.testfile(
        str(page), module_relative=False, optionflags=flags, encoding="utf-8"
    )
    report = capsys.readouterr().out
    assert failed == 0, report
    if page.name in ("getting_started.rst", "user_guide.rst"):
        assert attempted > 0
