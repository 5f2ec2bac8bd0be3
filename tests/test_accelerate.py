"""The accelerate setting: which kernels a fit trains on, and what it never does.

The fused kernels themselves are held equal to the numpy reference in
``test_fast.py``; here: the switch (``set_config``, ``config_context``, the
environment variable), the choice of kernels per fit, and that ``import
skmanualnet`` never imports numba.
"""

import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

import skmanualnet._training.accelerate as accelerate
from skmanualnet import ManualMLPClassifier, config_context, get_config, set_config

from ._data import make_task


def run_python(code, **env):
    """Run ``code`` in a fresh interpreter with ``env`` added; its stdout."""
    environment = {**os.environ, **env}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )
    return result


def recorded_trainings(monkeypatch):
    """The training objects the epoch loop asks for, recorded as they are made."""
    made = []
    original = accelerate.batch_training

    def recording(*args):
        made.append(original(*args))
        return made[-1]

    import skmanualnet._training.epochs as epochs

    monkeypatch.setattr(epochs, "batch_training", recording)
    return made


def small_fit(**params):
    X, y = make_task("multiclass", n_samples=40)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return ManualMLPClassifier((5,), max_iter=3, random_state=0, **params).fit(X, y)


def test_import_never_imports_numba():
    result = run_python(
        "import sys, skmanualnet; print('numba' in sys.modules, "
        "'skmanualnet._training._fast' in sys.modules)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_a_small_fit_on_auto_never_imports_numba():
    code = (
        "import sys, warnings; from sklearn.datasets import load_iris; "
        "import skmanualnet; warnings.simplefilter('ignore'); "
        "skmanualnet.ManualMLPClassifier().fit(*load_iris(return_X_y=True)); "
        "print('numba' in sys.modules)"
    )
    result = run_python(code, SKMANUALNET_ACCELERATE="auto")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False"]


def test_the_environment_variable_sets_the_starting_value():
    code = "import skmanualnet; print(skmanualnet.get_config()['accelerate'])"
    for text, value in [("0", "False"), ("1", "True"), ("AUTO", "auto")]:
        result = run_python(code, SKMANUALNET_ACCELERATE=text)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == [value]


def test_a_bad_environment_value_is_a_clear_error():
    result = run_python("import skmanualnet", SKMANUALNET_ACCELERATE="fast")
    assert result.returncode != 0
    assert "SKMANUALNET_ACCELERATE='fast'" in result.stderr
    assert "auto, 1, true, 0, false" in result.stderr


@pytest.mark.parametrize("value", ["yes", 1, 0, 2.0, "on"])
def test_set_config_rejects_anything_but_auto_true_false(value):
    before = get_config()
    with pytest.raises(ValueError, match=r"accelerate must be 'auto', True or False"):
        set_config(accelerate=value)
    assert get_config() == before


def test_config_context_restores_the_setting_even_on_error():
    before = get_config()["accelerate"]
    with pytest.raises(RuntimeError), config_context(accelerate=not before):
        assert get_config()["accelerate"] is (not before)
        raise RuntimeError
    assert get_config()["accelerate"] == before


def test_off_trains_on_the_numpy_reference(monkeypatch):
    made = recorded_trainings(monkeypatch)
    with config_context(accelerate=False):
        small_fit()
    assert [type(t).__name__ for t in made] == ["ReferenceTraining"]


def test_on_trains_every_fit_on_the_fused_kernels(monkeypatch):
    pytest.importorskip("numba")
    made = recorded_trainings(monkeypatch)
    with config_context(accelerate=True):
        small_fit()
        small_fit(solver="adam", early_stopping=True)
    assert [type(t).__name__ for t in made] == ["FusedTraining"] * 2


def test_auto_accelerates_only_fits_that_repay_loading_the_kernels(monkeypatch):
    pytest.importorskip("numba")
    made = recorded_trainings(monkeypatch)
    with config_context(accelerate="auto"):
        small_fit()  # 3 epochs of 1 batch (40 rows) of 4·5 + 5·3 + 5 + 3 parameters
        saved = 3 * (accelerate.SAVED_PER_BATCH + accelerate.SAVED_PER_PARAMETER * 43)
        monkeypatch.setattr(accelerate, "LOAD_SECONDS", saved)
        small_fit()
        monkeypatch.setattr(accelerate, "LOAD_SECONDS", saved * 1.01)
        small_fit()
    names = [type(t).__name__ for t in made]
    assert names == ["ReferenceTraining", "FusedTraining", "ReferenceTraining"]


def test_auto_weighs_batches_and_parameters_against_the_load():
    per_batch, per_param = accelerate.SAVED_PER_BATCH, accelerate.SAVED_PER_PARAMETER
    load = accelerate.LOAD_SECONDS
    assert accelerate.pays_off(int(np.ceil(load / per_batch)), 0)
    assert not accelerate.pays_off(int(load / per_batch) - 1, 0)
    assert accelerate.pays_off(1, int(np.ceil((load - per_batch) / per_param)))
    # iris with the default model: 200 epochs of one batch of 150, 803 parameters
    assert not accelerate.pays_off(200, 803)
    # digits with the default model: 200 epochs of 9 batches, 7510 parameters
    assert not accelerate.pays_off(200 * 9, 7510)
    # MNIST-sized: 200 epochs of 300 batches, 203530 parameters
    assert accelerate.pays_off(200 * 300, 203530)


def test_auto_without_numba_trains_on_the_reference(monkeypatch):
    monkeypatch.setattr(accelerate, "numba_installed", lambda: False)
    monkeypatch.setattr(accelerate, "LOAD_SECONDS", 0.0)
    made = recorded_trainings(monkeypatch)
    with config_context(accelerate="auto"):
        small_fit()
    assert [type(t).__name__ for t in made] == ["ReferenceTraining"]


def test_on_without_numba_says_what_to_install(monkeypatch):
    monkeypatch.setitem(
        sys.modules, "skmanualnet._training._fast", None
    )  # import fails
    model = ManualMLPClassifier((5,), max_iter=2, random_state=0)
    X, y = make_task("binary")
    with (
        config_context(accelerate=True),
        pytest.raises(ImportError, match=r'needs numba.*pip install -e "\.\[fast\]"'),
    ):
        model.fit(X, y)


def test_the_setting_changes_no_parameter_and_no_fitted_model():
    with config_context(accelerate=True if _has_numba() else False):
        fused = small_fit()
    with config_context(accelerate=False):
        reference = small_fit()
    assert "accelerate" not in fused.get_params()
    for a, b in zip(fused.coefs_, reference.coefs_, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def _has_numba():
    return accelerate.numba_installed()
