"""The README cannot drift: its Python blocks run and print what it shows, its
set-up commands are those CI runs, and its facts agree with pyproject.toml.

Every ```python block of README.md runs, in order, in one namespace (a block
may use what an earlier one made), in a temporary directory. What a ``print``
prints is shown as comments, ``# `` then a line of output: on the line where
the call ends, and in the comment lines right below it (so a remark below a
``print`` needs a blank line between)::

    print(model.score(X, y))  # 0.98
    print(proba.round(3))  # [[1.    0.    0.   ]
    #  [0.998 0.002 0.   ]]
    print(long_list)
    # ['a', 'b', ...]

Every other statement must print nothing. A new section's blocks are checked
as soon as they are written; to fill in the output of a new ``print``, run the
test and copy the lines its failure shows.
"""

import ast
import contextlib
import io
import re
import tokenize
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)


def fenced_blocks(text, language):
    """[(line number of the first code line, code)] of the ```language blocks."""
    return [
        (text[: match.start(2)].count("\n") + 1, match.group(2))
        for match in FENCE.finditer(text)
        if match.group(1) == language
    ]


def _comments(code):
    """{line: (comment text after "# ", whether the line holds only the comment)}."""
    found = {}
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.COMMENT:
            line = token.start[0]
            alone = not token.line[: token.start[1]].strip()
            found[line] = (re.sub(r"^# ?", "", token.string), alone)
    return found


def _is_print(statement):
    call = getattr(statement, "value", None)
    return (
        isinstance(statement, ast.Expr)
        and isinstance(call, ast.Call)
        and getattr(call.func, "id", None) == "print"
    )


def shown_output(code, statement):
    """The output the block shows for a print statement ("" for any other)."""
    if not _is_print(statement):
        return ""
    comments, line = _comments(code), statement.end_lineno
    shown = [comments[line][0]] if line in comments else []
    while line + 1 in comments and comments[line + 1][1]:
        line += 1
        shown.append(comments[line][0])
    return "".join(f"{output}\n" for output in shown)


def run_block(code, namespace, first_line=1):
    """[(line, statement's source, what it printed, what the block shows)];
    ``first_line`` is the README line of the block's first, for tracebacks."""
    results = []
    for statement in ast.parse(code).body:
        line, source = statement.lineno, ast.get_source_segment(code, statement)
        expected = shown_output(code, statement)
        module = ast.Module(body=[statement], type_ignores=[])
        ast.increment_lineno(module, first_line - 1)  # README's line numbers
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(module, str(README), "exec"), namespace)
        results.append((line, source, printed.getvalue(), expected))
    return results


def _normalised(output):
    return "\n".join(line.rstrip() for line in output.splitlines())


def test_the_readme_python_blocks_print_what_the_readme_shows(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # blocks may write files
    blocks = fenced_blocks(README.read_text(encoding="utf-8"), "python")
    assert blocks, "README.md has no ```python block"
    namespace, stale, shown = {"__name__": "__readme__"}, [], 0
    for first_line, code in blocks:
        for line, source, printed, expected in run_block(code, namespace, first_line):
            shown += bool(expected)
            if _normalised(printed) != _normalised(expected):
                output = "\n".join("# " + s for s in printed.splitlines())
                stale.append(
                    f"README.md line {first_line + line - 1}: {source.splitlines()[0]}"
                    f"\n  printed (as README comments):\n{output or '(nothing)'}"
                    f"\n  README shows:\n{expected or '(nothing)'}"
                )
    assert not stale, "\n\n".join(stale)
    assert shown > 0


def _section(text, heading):
    """The text of a markdown section, from its heading to the next one."""
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def test_two_commands_are_two_and_ci_runs_them():
    readme = README.read_text(encoding="utf-8")
    section = _section(readme, "Two commands")
    commands = [code.strip() for _, code in fenced_blocks(section, "bash")]
    assert len(commands) == 2 and all("\n" not in c for c in commands), commands
    assert "examples/quickstart.py" in commands[0]
    assert "python -m pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in commands:
        assert command in ci, f".ci/run does not run {command!r}"


DOCUMENTS = [README, *sorted((ROOT / "docs").glob("*.rst"))]
SOURCES = [
    *DOCUMENTS,
    *sorted((ROOT / "skmanualnet").rglob("*.py")),
    *sorted((ROOT / "examples").glob("*.py")),
    *sorted((ROOT / "benchmarks").glob("*.py")),
    ROOT / "benchmarks" / "README.md",
]


def test_one_python_floor_everywhere():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    floor = re.fullmatch(r">=\s*(\d+\.\d+)", pyproject["project"]["requires-python"])
    assert floor, pyproject["project"]["requires-python"]
    for path in DOCUMENTS:
        for version in re.findall(r"Python (\d+\.\d+)", path.read_text("utf-8")):
            assert version == floor.group(1), f"{path.name} says Python {version}"
    assert f'target-version = "py{floor.group(1).replace(".", "")}"' in (
        ROOT / "pyproject.toml"
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_installs_from_the_clone_and_cites_no_file_outside_it(path):
    text = path.read_text(encoding="utf-8")
    # the package is not on an index: installed from a clone, pip install -e .
    assert not re.search(r"pip install [\"']?skmanualnet", text), path.name
    assert "DESIGN" not in text, f"{path.name} cites a design file not in the repo"


def test_each_deliberate_difference_is_a_row_of_the_readme():
    """The README lists as many deliberate differences from scikit-learn as
    there are ``test_difference_*`` tests asserting them."""
    section = _section(
        README.read_text(encoding="utf-8"),
        "Same model as sklearn's MLPClassifier and MLPRegressor",
    )
    table = section.split("### Deliberate differences", 1)[1]
    rows = [line for line in table.splitlines() if line.startswith("| ")][2:]
    tests = [
        name
        for path in sorted((ROOT / "tests").glob("test_*.py"))
        for name in re.findall(
            r"^def (test_difference_\w+)", path.read_text("utf-8"), re.M
        )
    ]
    assert len(rows) == len(tests), (len(rows), tests)
