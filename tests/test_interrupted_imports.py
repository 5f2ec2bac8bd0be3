"""Ctrl-C while an optional dependency is being imported leaves a session that
trains: no half-imported module stays in ``sys.modules``.

The user's way first: fresh interpreters start a first large fit on the
compiled kernels (numba imported at that fit, threadpoolctl too), get a real
SIGINT at one of many moments of their first second or two, then fit and
predict again in the same process. Then the helper itself, on a fake package
whose import is interrupted halfway.
"""

import os
import select
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from skmanualnet._lazy_import import import_optional

CHILD = textwrap.dedent(
    """
    import signal, sys, traceback, warnings
    import numpy as np
    from skmanualnet import ManualMLPClassifier

    first = [True]

    def on_sigint(signum, frame):  # Ctrl-C reaches the first fit only
        if first[0]:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_sigint)
    warnings.simplefilter("ignore")  # "Training interrupted by user."
    rng = np.random.RandomState(0)
    X, y = rng.standard_normal((20000, 64)), rng.randint(0, 10, 20000)
    # batch 200 x 64 x 100: one BLAS thread, so threadpoolctl is imported too
    params = dict(hidden_layer_sizes=(100,), batch_size=200, random_state=0)
    where = "not interrupted"
    try:
        # "ready" inside the try: a Ctrl-C sent the moment it is read (delay
        # 0) may land before the fit starts, and must be caught all the same
        print("ready", flush=True)
        try:
            ManualMLPClassifier(max_iter=10**4, n_iter_no_change=10**4, **params).fit(
                X, y
            )
        finally:
            first[0] = False
    except KeyboardInterrupt as error:
        first[0] = False
        frame = traceback.extract_tb(error.__traceback__)[-2]  # [-1]: on_sigint
        where = f"{frame.filename}:{frame.name}"
    print("stopped", flush=True)
    model = ManualMLPClassifier(max_iter=2, **params).fit(X[:2000], y[:2000])
    assert model.predict(X[:5]).shape == (5,)
    print("interrupted in", where, flush=True)
    """
)


def _interrupted_child(delay):
    """A fresh interpreter whose first fit gets SIGINT ``delay`` s after it starts."""
    env = {**os.environ, "SKMANUALNET_ACCELERATE": "1", "OPENBLAS_NUM_THREADS": "1"}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline() == "ready\n"
    time.sleep(delay)
    child.send_signal(signal.SIGINT)
    _press_again_until_stopped(child)
    try:
        out, err = child.communicate(timeout=300)
    except subprocess.TimeoutExpired:  # the interrupt was lost: the fit runs on
        child.kill()
        out, err = child.communicate()
    return delay, child.returncode, out, err


def _press_again_until_stopped(child, every=2.0, patience=120.0):
    """Ctrl-C again every ``every`` s until the child's first fit has stopped,
    as a user does: Python drops a KeyboardInterrupt raised inside a ctypes
    callback (numba's compiler runs some), and the fit then runs on."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        ready, _, _ = select.select([child.stdout], [], [], every)
        if ready:
            line = child.stdout.readline()
            if line != "stopped\n":  # the child ended: say how
                child.wait(timeout=60)
                raise AssertionError(
                    f"{line!r} instead of 'stopped'; exit {child.returncode}; "
                    f"stderr: {child.stderr.read()[-3000:]}"
                )
            return
        child.send_signal(signal.SIGINT)


def test_ctrl_c_in_the_first_fit_leaves_a_process_that_trains():
    # 0 to 1.8 s after fit is called: validation, the imports of threadpoolctl
    # and numba, the kernels' loading, the first epochs (a child takes 3-4 s on
    # a quiet 2-core machine, 20-25 s on a loaded one)
    delays = [0.2 * i for i in range(10)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_interrupted_child, delays))
    failed = [
        f"SIGINT after {delay:.1f} s: exit {code}\n{err[-1500:]}"
        for delay, code, _, err in results
        if code != 0
    ]
    assert not failed, "\n\n".join(failed)
    places = [out.split("interrupted in ", 1)[1] for *_, out, _ in results]
    # the test means something only if some interrupts hit an import
    assert any("importlib" in place or "numba" in place for place in places), places


def _fake_package(root, name):
    """A package ``name`` whose import adds ``name.done`` and ``name.half``, and
    is interrupted while ``name.half`` runs, unless ``name.go`` exists."""
    package = root / name
    package.mkdir()
    (package / "__init__.py").write_text("from . import done, half\n")
    (package / "done.py").write_text("VALUE = 1\n")
    (package / "half.py").write_text(
        "import os\n"
        "FIRST = 1\n"
        f"if not os.path.exists({str(package / 'go')!r}):\n"
        "    raise KeyboardInterrupt\n"
        "SECOND = 2\n"
    )
    return package


def test_an_interrupted_import_leaves_no_module_behind(tmp_path, monkeypatch):
    package = _fake_package(tmp_path, "fake_optional_dependency")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = set(sys.modules)
    with pytest.raises(KeyboardInterrupt):
        import_optional("fake_optional_dependency")
    assert set(sys.modules) == before
    (package / "go").touch()
    try:
        module = import_optional("fake_optional_dependency")
        assert (module.done.VALUE, module.half.SECOND) == (1, 2)
        assert import_optional("fake_optional_dependency.half") is module.half
    finally:
        for name in set(sys.modules) - before:
            del sys.modules[name]


def test_a_failed_import_keeps_the_modules_that_were_there(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "fake_broken_dependency.py").write_text("import json\n1 / 0\n")
    json = import_optional("json")
    with pytest.raises(ZeroDivisionError):
        import_optional("fake_broken_dependency")
    assert sys.modules["json"] is json
    assert "fake_broken_dependency" not in sys.modules
