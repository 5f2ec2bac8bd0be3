"""The documentation: every public name has an API entry, and every printed
figure of a page is a doctest that passes (the gallery's examples run in
test_examples.py)."""

import doctest
import re
from pathlib import Path

import pytest

import skmanualnet

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "docs").glob("*.rst"))


@pytest.mark.parametrize("name", sorted(set(skmanualnet.__all__) - {"__version__"}))
def test_every_public_name_is_in_the_api_reference(name):
    api = (ROOT / "docs" / "api.rst").read_text(encoding="utf-8")
    documented = re.findall(
        r"^\.\. auto(?:class|function|exception):: (\w+)", api, flags=re.M
    )
    assert name in documented, f"docs/api.rst has no autodoc entry for {name}"


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
