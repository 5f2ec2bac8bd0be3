"""skops persistence: dump / load a fitted model with an explicit list of trusted types.

skops refuses to load any type it does not trust by default; scikit-learn's
estimators, numpy arrays and ``numpy.random.RandomState`` are trusted, our
classes are not. The exact list a fitted model needs is asserted here, so that a
new private attribute of an untrusted type shows up as a test failure.
"""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmanualnet import ManualMLPClassifier

from ._data import TASKS, make_task

sio = pytest.importorskip("skops.io")

ESTIMATOR = "skmanualnet._estimators.classifier.ManualMLPClassifier"
#: What each solver's fitted state holds beyond numpy arrays, floats and strings:
#: the optimizer (velocities / moments, so that partial_fit and warm_start
#: resume) and the dtype in its settings key, and the stopping rule (its count of
#: epochs without improvement carries on too). L-BFGS keeps neither.
STOPPING = "skmanualnet._training.stopping.StoppingRule"
TRUSTED = {
    "sgd": [ESTIMATOR, "skmanualnet._training.optimizers.SGD", STOPPING],
    "adam": [ESTIMATOR, "skmanualnet._training.optimizers.Adam", STOPPING],
    "lbfgs": [ESTIMATOR],
}


def _fit(solver, task, pipeline=False, **params):
    X, y = make_task(task, n_samples=40, seed=1)
    model = ManualMLPClassifier((6,), solver=solver, max_iter=15, random_state=0)
    model.set_params(**params)
    if pipeline:
        model = make_pipeline(StandardScaler(), model)
    return model.fit(X, y), X, y


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_round_trip_gives_identical_probabilities(solver, task, tmp_path):
    model, X, _ = _fit(solver, task)
    path = tmp_path / "model.skops"
    sio.dump(model, path)
    assert sio.get_untrusted_types(file=path) == TRUSTED[solver]
    loaded = sio.load(path, trusted=TRUSTED[solver])
    assert type(loaded) is ManualMLPClassifier
    assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert_array_equal(loaded.predict(X), model.predict(X))
    assert_array_equal(loaded.classes_, model.classes_)
    for a, b in zip(
        loaded.coefs_ + loaded.intercepts_,
        model.coefs_ + model.intercepts_,
        strict=True,
    ):
        assert_array_equal(a, b)
        assert a.dtype == b.dtype


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_pipeline_round_trip(solver):
    model, X, _ = _fit(solver, "multiclass", pipeline=True)
    data = sio.dumps(model)
    # Pipeline and StandardScaler are trusted by skops: the list does not grow
    assert sio.get_untrusted_types(data=data) == TRUSTED[solver]
    loaded = sio.loads(data, trusted=TRUSTED[solver])
    assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_optimizer_state_survives_so_training_resumes_identically():
    model, X, y = _fit("sgd", "multiclass", shuffle=False)
    loaded = sio.loads(sio.dumps(model), trusted=TRUSTED["sgd"])
    model.partial_fit(X, y)
    loaded.partial_fit(X, y)
    assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert loaded.t_ == model.t_


def test_string_labels_random_state_instance_and_float32_need_no_more_types():
    X, y = make_task("multiclass", n_samples=40, seed=1)
    y = np.array(["ant", "bee", "cat"])[y]
    model = ManualMLPClassifier(
        (6,),
        max_iter=15,
        early_stopping=True,
        random_state=np.random.RandomState(0),
        class_weight={"ant": 2.0},
    ).fit(X.astype(np.float32), y)
    data = sio.dumps(model)
    assert sio.get_untrusted_types(data=data) == TRUSTED["sgd"]
    loaded = sio.loads(data, trusted=TRUSTED["sgd"])
    assert loaded.coefs_[0].dtype == np.float32
    assert_array_equal(loaded.predict(X), model.predict(X))
    assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_loading_without_trusting_our_types_is_refused():
    model, _, _ = _fit("sgd", "binary")
    data = sio.dumps(model)
    with pytest.raises(sio.exceptions.UntrustedTypesFoundException):
        sio.loads(data)
    with pytest.raises(sio.exceptions.UntrustedTypesFoundException):
        sio.loads(data, trusted=[ESTIMATOR])


def test_a_model_with_layer_options_round_trips(tmp_path):
    # the fitted network (its layers, θ and running statistics) is saved whole;
    # what skops must be told to trust is ours alone
    model, X, _ = _fit(
        "adam", "multiclass", normalization="batch", dropout=0.1,
        input_embedding="piecewise_linear", embedding_size=3,
    )  # fmt: skip
    path = tmp_path / "model.skops"
    sio.dump(model, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert all(name.startswith("skmanualnet.") for name in untrusted)
    loaded = sio.load(path, trusted=untrusted)
    assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    loaded.partial_fit(X[:20], model.classes_[np.arange(20) % 3])  # carries on
