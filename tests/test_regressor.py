"""ManualMLPRegressor beyond parity: streaming, warm start, early stopping,
dtypes, sparse input, persistence, inspection and the failure modes."""

import pickle
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning

from skmanualnet import DivergenceError, ManualMLPRegressor, check_gradients, trace_step

from ._data import make_regression_task


def _quiet_fit(model, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y, **kwargs)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_partial_fit_epochs_equal_fit_without_shuffle(solver):
    X, y = make_regression_task("two-targets")
    params = dict(hidden_layer_sizes=(6,), solver=solver, shuffle=False,
                  batch_size=32, random_state=0)  # fmt: skip
    fitted = _quiet_fit(
        ManualMLPRegressor(max_iter=20, n_iter_no_change=np.inf, **params), X, y
    )
    streamed = ManualMLPRegressor(**params)
    for _ in range(20):
        streamed.partial_fit(X, y)
    for a, b in zip(fitted.coefs_, streamed.coefs_, strict=True):
        assert_allclose(a, b, rtol=1e-12)
    assert streamed.loss_curve_ == pytest.approx(fitted.loss_curve_, rel=1e-12)


def test_warm_start_resumes_the_optimizer():
    X, y = make_regression_task("one-target")
    params = dict(hidden_layer_sizes=(6,), shuffle=False, n_iter_no_change=np.inf,
                  random_state=0)  # fmt: skip
    once = _quiet_fit(ManualMLPRegressor(max_iter=10, **params), X, y)
    twice = ManualMLPRegressor(max_iter=5, warm_start=True, **params)
    _quiet_fit(_quiet_fit(twice, X, y), X, y)
    assert_allclose(once.coefs_[0], twice.coefs_[0], rtol=1e-12)
    assert twice.loss_curve_ == pytest.approx(once.loss_curve_, rel=1e-12)


@pytest.mark.parametrize("metric", ["score", "loss"])
def test_early_stopping_keeps_the_best_weights_by_its_metric(metric, held_out):
    X, y = make_regression_task("one-target", n_samples=200)
    model = ManualMLPRegressor(
        (8,), early_stopping=True, early_stopping_metric=metric, random_state=0
    ).fit(X, y)
    assert model.n_iter_ < model.max_iter
    assert model.best_validation_score_ == max(model.validation_scores_)
    assert model.best_validation_loss_ == min(model.validation_loss_curve_)
    validation = held_out[0]
    predicted = model.predict(validation.X)
    if metric == "score":
        assert model.score(validation.X, validation.y) == pytest.approx(
            model.best_validation_score_, rel=1e-12
        )
    else:
        loss = 0.5 * np.mean((predicted - validation.y) ** 2)
        assert loss == pytest.approx(model.best_validation_loss_, rel=1e-10)


def test_float32_stays_float32_and_agrees_with_float64():
    X, y = make_regression_task("one-target")
    params = dict(hidden_layer_sizes=(6,), max_iter=20, random_state=0)
    single = _quiet_fit(ManualMLPRegressor(**params), X.astype(np.float32), y)
    double = _quiet_fit(ManualMLPRegressor(**params), X, y)
    assert all(W.dtype == np.float32 for W in single.coefs_)
    assert single.predict(X.astype(np.float32)).dtype == np.float32
    assert_allclose(single.predict(X), double.predict(X), rtol=1e-3, atol=1e-3)


def test_sparse_x_gives_the_dense_model():
    X, y = make_regression_task("two-targets")
    X[np.abs(X) < 0.7] = 0
    params = dict(hidden_layer_sizes=(6,), max_iter=15, random_state=0)
    dense = _quiet_fit(ManualMLPRegressor(**params), X, y)
    for fmt in (sparse.csr_matrix, sparse.csc_matrix):
        model = _quiet_fit(ManualMLPRegressor(**params), fmt(X), y)
        assert_allclose(model.coefs_[0], dense.coefs_[0], rtol=1e-10)
        assert_allclose(model.predict(fmt(X)), dense.predict(X), rtol=1e-10)


def test_poisson_predictions_are_positive_rates():
    X, y = make_regression_task("counts", n_samples=300)
    model = ManualMLPRegressor((8,), loss="poisson", random_state=0).fit(X, y)
    prediction = model.predict(X)
    assert model.out_activation_ == "exp" and (prediction > 0).all()
    assert_allclose(
        prediction, np.exp(model.coefs_[0].shape[0] * 0 + np.log(prediction))
    )
    assert abs(prediction.mean() - y.mean()) < 0.15 * y.mean()


def test_pickle_round_trip_predicts_the_same_and_resumes():
    X, y = make_regression_task("two-targets")
    model = _quiet_fit(ManualMLPRegressor((6,), max_iter=5, shuffle=False), X, y)
    loaded = pickle.loads(pickle.dumps(model))
    assert_array_equal(loaded.predict(X), model.predict(X))
    model.partial_fit(X, y)
    loaded.partial_fit(X, y)
    assert_array_equal(loaded.predict(X), model.predict(X))


@pytest.mark.parametrize("loss", ["squared_error", "poisson", "quantile"])
def test_trace_and_gradient_check_of_a_fitted_regressor(loss):
    task = "counts" if loss == "poisson" else "two-targets"
    X, y = make_regression_task(task, n_samples=40)
    model = _quiet_fit(
        ManualMLPRegressor((5,), activation="tanh", loss=loss, max_iter=5,
                           random_state=0), X, y,
    )  # fmt: skip
    trace = trace_step(model, X[:4], y[:4])
    assert_allclose(trace.z_bar_jacobian, trace.z_bar_fused, rtol=1e-12, atol=1e-15)
    predicted = model.predict(X[:4])
    assert_allclose(trace.y.reshape(predicted.shape), predicted, rtol=1e-12)
    errors = check_gradients(model, X[:10], y[:10])
    assert max(errors["coefs"] + errors["intercepts"]) < 1e-6
    with pytest.raises(ValueError, match="classes is for classifiers"):
        trace_step(model, X[:4], y[:4], classes=[0, 1])


def test_huge_learning_rate_diverges_with_a_clear_error():
    X, y = make_regression_task("one-target")
    with pytest.raises(DivergenceError, match="learning_rate_init"):
        ManualMLPRegressor(learning_rate_init=10.0, random_state=0).fit(X, 100 * y)


def test_a_model_worse_than_the_mean_warns():
    X, y = make_regression_task("one-target")
    model = ManualMLPRegressor((4,), max_iter=2, learning_rate_init=1e-6,
                               random_state=0)  # fmt: skip
    with pytest.warns(ConvergenceWarning, match="the weighted mean"):
        model.fit(X, y + 1e3)


def test_continuing_with_another_number_of_targets_is_refused():
    X, y = make_regression_task("two-targets")
    model = _quiet_fit(ManualMLPRegressor((4,), max_iter=2), X, y)
    with pytest.raises(ValueError, match="1 target.*2 outputs"):
        model.partial_fit(X, y[:, 0])


def test_switching_to_poisson_on_a_warm_fit_names_the_output():
    X, y = make_regression_task("counts")
    model = _quiet_fit(ManualMLPRegressor((4,), max_iter=2, warm_start=True), X, y)
    model.set_params(loss="poisson")
    with pytest.raises(ValueError, match="'identity'.*'exp'"):
        model.fit(X, y)
    assert model.out_activation_ == "identity"


def test_skops_round_trip_trusts_exactly_our_types():
    sio = pytest.importorskip("skops.io")
    X, y = make_regression_task("two-targets")
    model = _quiet_fit(ManualMLPRegressor((6,), max_iter=5, random_state=0), X, y)
    data = sio.dumps(model)
    trusted = [
        "skmanualnet._estimators.regressor.ManualMLPRegressor",
        "skmanualnet._training.optimizers.SGD",
        "skmanualnet._training.stopping.StoppingRule",
    ]
    assert sorted(sio.get_untrusted_types(data=data)) == trusted
    loaded = sio.loads(data, trusted=trusted)
    assert_array_equal(loaded.predict(X), model.predict(X))


def test_pandas_column_names_are_kept_and_checked():
    pd = pytest.importorskip("pandas")
    X, y = make_regression_task("one-target")
    frame = pd.DataFrame(X, columns=list("abcde"))
    model = _quiet_fit(ManualMLPRegressor((4,), max_iter=3), frame, pd.Series(y))
    assert model.feature_names_in_.tolist() == list("abcde")
    with pytest.warns(UserWarning, match="feature names"):
        model.predict(X)


def test_verbose_prints_one_line_per_epoch(capsys):
    X, y = make_regression_task("one-target")
    _quiet_fit(ManualMLPRegressor((4,), max_iter=3, verbose=True), X, y)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in lines] == [
        f"Iteration {i}" for i in (1, 2, 3)
    ]


def test_a_callback_sees_every_epoch_and_can_stop_the_fit():
    from .test_callbacks import EpochRecorder

    X, y = make_regression_task("one-target")
    recorder = EpochRecorder(stop_at=4)
    model = ManualMLPRegressor((6,), max_iter=50, random_state=0)
    model.set_callbacks(recorder).fit(X, y)
    assert model.n_iter_ == 4
    assert recorder.ended == [*(("epoch", i) for i in range(4)), ("fit", 0)]
    assert recorder.scores[-1] == model.score(X, y)  # the epoch model is the model
