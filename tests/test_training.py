"""The training loop: partial_fit, warm start, early stopping, divergence, errors."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits
from sklearn.utils._param_validation import InvalidParameterError

from skmanualnet import ManualMLPClassifier

from ._data import make_task


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("learning_rate", ["constant", "invscaling"])
def test_partial_fit_epochs_equal_fit_without_shuffle(solver, learning_rate):
    X, y = make_task("multiclass", n_samples=90)
    params = dict(
        hidden_layer_sizes=(6,),
        solver=solver,
        learning_rate=learning_rate,
        shuffle=False,
        batch_size=32,
        random_state=0,
    )
    fitted = ManualMLPClassifier(max_iter=100, n_iter_no_change=np.inf, **params)
    fitted.fit(X, y)
    streamed = ManualMLPClassifier(**params)
    for _ in range(100):
        streamed.partial_fit(X, y, classes=[0, 1, 2])
    assert fitted.n_iter_ == 100 and streamed.t_ == fitted.t_ == 100 * 90
    assert_allclose(streamed.loss_curve_, fitted.loss_curve_, rtol=1e-12)
    for a, b in zip(streamed.coefs_, fitted.coefs_, strict=True):
        assert_allclose(a, b, rtol=1e-12)


def test_partial_fit_needs_classes_first_and_rejects_unknown_labels():
    X, y = make_task("multiclass")
    model = ManualMLPClassifier((4,), random_state=0)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        model.partial_fit(X, y)
    model.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    assert model.coefs_[-1].shape == (4, 3)
    with pytest.raises(
        ValueError, match=r"classes \[7\] that are not in classes_ \[0, 1, 2\]"
    ):
        model.partial_fit(X, np.where(y == 2, 7, y))


def test_partial_fit_is_only_for_stochastic_solvers():
    model = ManualMLPClassifier(solver="lbfgs")
    assert not hasattr(model, "partial_fit")
    with pytest.raises(AttributeError, match="has no attribute 'partial_fit'") as error:
        _ = model.partial_fit
    assert "not for solver='lbfgs'" in str(error.value.__cause__)


def test_warm_start_continues_from_the_fitted_weights():
    X, y = make_task("multiclass", n_samples=60)
    model = ManualMLPClassifier((6,), max_iter=30, warm_start=True, random_state=0)
    model.fit(X, y)
    first_curve = list(model.loss_curve_)
    model.fit(X, y)
    assert model.loss_curve_[:30] == first_curve and len(model.loss_curve_) == 60
    assert model.loss_curve_[30] < first_curve[0] / 2
    cold = ManualMLPClassifier((6,), max_iter=30, random_state=0).fit(X, y)
    assert_array_equal(
        cold.coefs_[0],
        ManualMLPClassifier((6,), max_iter=30, random_state=0)
        .fit(X, y)
        .fit(X, y)
        .coefs_[0],
    )


def test_early_stopping_keeps_the_best_validation_weights():
    X, y = make_task("binary", n_samples=200)
    model = ManualMLPClassifier(
        (8,), early_stopping=True, validation_fraction=0.2, random_state=0
    ).fit(X, y)
    assert len(model.validation_scores_) == model.n_iter_ == len(model.loss_curve_)
    assert model.best_validation_score_ == max(model.validation_scores_)
    assert model.best_loss_ is None
    # the stopping rule: n_iter_no_change + 1 epochs in a row without improvement
    assert model.n_iter_ < 200
    best_epoch = int(np.argmax(model.validation_scores_))
    assert model.n_iter_ - 1 - best_epoch >= model.n_iter_no_change


def test_early_stopping_needs_two_validation_rows():
    X, y = make_task("binary", n_samples=10)
    model = ManualMLPClassifier(early_stopping=True, validation_fraction=0.1)
    with pytest.raises(ValueError, match="validation_fraction=0.1 leaves 1 validation"):
        model.fit(X, y)


def test_stopping_rule_stops_when_the_loss_stalls():
    X, y = make_task("binary", n_samples=100)
    model = ManualMLPClassifier((8,), tol=10.0, n_iter_no_change=3, random_state=0)
    model.fit(X, y)
    # epoch 1 improves on best_loss_ = inf; epochs 2-5 do not improve by 10, and
    # the rule fires when n_iter_no_change + 1 epochs in a row have not
    assert model.n_iter_ == 1 + 4


def test_adaptive_schedule_divides_the_rate_by_five_before_stopping():
    X, y = make_task("binary", n_samples=100)
    model = ManualMLPClassifier(
        (8,), learning_rate="adaptive", tol=10.0, n_iter_no_change=1, random_state=0
    ).fit(X, y)
    # after epoch 1 (an improvement on inf), the rule fires every 2 epochs: η₀ = 0.05
    # is divided by 5 seven times, and the eighth time η ≤ 1e-6 stops the fit
    assert model._optimizer.learning_rate == pytest.approx(0.05 / 5**7)
    assert model.n_iter_ == 1 + 2 * 8


def test_divergence_fails_fast_and_keeps_finite_weights():
    X, y = load_digits(return_X_y=True)  # unscaled: pixel values up to 16
    model = ManualMLPClassifier(learning_rate_init=1e3, random_state=0)
    with pytest.raises(ValueError, match=r"diverged in epoch 1: a batch loss.*smaller"):
        model.fit(X, y)
    assert model.n_iter_ == 0 and model.loss_curve_ == []
    assert all(np.isfinite(W).all() for W in model.coefs_ + model.intercepts_)


def test_verbose_prints_one_line_per_epoch(capsys):
    X, y = make_task("binary")
    ManualMLPClassifier((4,), max_iter=3, verbose=True, random_state=0).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in lines] == [
        f"Iteration {i}" for i in (1, 2, 3)
    ]


@pytest.mark.parametrize(
    "params, match",
    [
        ({"alpha": -1.0}, "'alpha' parameter"),
        ({"momentum": 1.5}, "'momentum' parameter"),
        ({"learning_rate_init": 0.0}, "'learning_rate_init' parameter"),
        ({"learning_rate_init": "fast"}, "'learning_rate_init' parameter"),
        ({"solver": "newton"}, "'solver' parameter"),
        ({"batch_size": 0}, "'batch_size' parameter"),
        ({"validation_fraction": 1.0}, "'validation_fraction' parameter"),
    ],
)
def test_invalid_parameters_are_named(params, match):
    X, y = make_task("binary")
    with pytest.raises(InvalidParameterError, match=match):
        ManualMLPClassifier(**params).fit(X, y)


@pytest.mark.parametrize("sizes", [(2.5,), (0,), (3, -1), (), "10", (True,), 0])
def test_bad_hidden_layer_sizes_are_named(sizes):
    X, y = make_task("binary")
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        ManualMLPClassifier(hidden_layer_sizes=sizes).fit(X, y)


def test_batch_size_larger_than_n_is_clipped_with_a_warning():
    X, y = make_task("binary", n_samples=30)
    with pytest.warns(UserWarning, match="batch_size=64 is larger than .* 30"):
        ManualMLPClassifier((4,), batch_size=64, max_iter=2).fit(X, y)


def test_verbose_line_shows_validation_learning_rate_and_time(capsys):
    X, y = make_task("binary", n_samples=60)
    ManualMLPClassifier(
        (4,), max_iter=2, early_stopping=True, verbose=True, random_state=0
    ).fit(X, y)
    first = capsys.readouterr().out.splitlines()[0]
    for part in ("Iteration 1, loss = ", "validation loss = ", "validation score = "):
        assert part in first
    assert "learning rate = 0.05" in first and first.endswith(" s")
