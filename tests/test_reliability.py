"""Faults, determinism and isolation: nothing silent, nothing shared, nothing lost."""

import hashlib
import pickle

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from skmanualnet import DivergenceError, ManualMLPClassifier

from ._data import make_task


def test_a_finite_blow_up_ends_with_a_warning_not_a_silent_fit():
    X, y = load_digits(return_X_y=True)  # unscaled
    model = ManualMLPClassifier(
        learning_rate_init=30, alpha=0.0, max_iter=30, random_state=0
    )
    with pytest.warns(
        ConvergenceWarning, match=r"far above 2.30.*smaller learning_rate_init"
    ):
        model.fit(X, y)
    assert model.loss_ > 10


def test_a_good_fit_does_not_warn_of_a_blow_up(recwarn):
    X, y = make_task("multiclass", n_samples=90)
    ManualMLPClassifier((8,), max_iter=300, random_state=0).fit(X, y)
    assert not [w for w in recwarn if "far above" in str(w.message)]


def test_divergence_is_a_value_error_that_can_be_caught_by_name():
    X, y = load_digits(return_X_y=True)
    with pytest.raises(DivergenceError) as error:
        ManualMLPClassifier(learning_rate_init=1e3, random_state=0).fit(X, y)
    assert isinstance(error.value, ValueError)


class _Interrupt:
    """A callback that presses Ctrl-C at the end of epoch `at`."""

    def __init__(self, at):
        self.at = at

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        if context.task_name == "epoch" and context.task_id + 1 == self.at:
            raise KeyboardInterrupt


def test_keyboard_interrupt_leaves_a_usable_model_and_a_warning():
    X, y = make_task("multiclass", n_samples=90)
    model = ManualMLPClassifier((8,), max_iter=100, random_state=0)
    model.set_callbacks(_Interrupt(at=4))
    with pytest.warns(UserWarning, match="Training interrupted by user"):
        model.fit(X, y)
    assert model.n_iter_ == 4 and len(model.loss_curve_) == 4
    assert model.loss_curve_[-1] < model.loss_curve_[0]
    assert model.predict(X).shape == y.shape


def test_no_stopping_rule_runs_exactly_max_iter_epochs_and_says_so():
    X, y = make_task("binary", n_samples=60)
    model = ManualMLPClassifier((4,), max_iter=17, tol=0, n_iter_no_change=np.inf)
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(17\) reached"):
        model.fit(X, y)
    assert model.n_iter_ == 17 and len(model.loss_curve_) == 17


def test_batches_of_zero_total_weight_are_skipped_not_diverged():
    X, y = make_task("binary", n_samples=60)
    sw = np.r_[np.zeros(30), np.ones(30)]
    params = dict(batch_size=10, shuffle=False, max_iter=20, n_iter_no_change=np.inf)
    model = ManualMLPClassifier((4,), random_state=0, **params)
    model.fit(X, y, sample_weight=sw)
    assert all(np.isfinite(W).all() for W in model.coefs_)
    reference = ManualMLPClassifier((4,), random_state=0, **params)
    reference.fit(X[30:], y[30:])  # the same batches, without the zero-weight ones
    assert_array_equal(model.coefs_[0], reference.coefs_[0])


def _digest(*arrays):
    return hashlib.sha256(
        b"".join(np.ascontiguousarray(a).tobytes() for a in arrays)
    ).hexdigest()


def test_fit_never_modifies_the_callers_data():
    X, y = make_task("multiclass", n_samples=60)
    sw = np.linspace(0.5, 2, 60)
    before = _digest(X, y, sw)
    ManualMLPClassifier((4,), max_iter=5, early_stopping=True).fit(
        X, y, sample_weight=sw
    )
    ManualMLPClassifier((4,), max_iter=5).partial_fit(
        X, y, sample_weight=sw, classes=[0, 1, 2]
    )
    ManualMLPClassifier((4,), solver="lbfgs", max_iter=5).fit(X, y, sample_weight=sw)
    assert _digest(X, y, sw) == before


def test_no_global_random_state_is_used_when_a_seed_is_given():
    X, y = make_task("binary", n_samples=60)
    np.random.seed(123)
    state = pickle.dumps(np.random.get_state())
    ManualMLPClassifier((4,), max_iter=5, early_stopping=True, random_state=0).fit(X, y)
    assert pickle.dumps(np.random.get_state()) == state


@pytest.mark.parametrize(
    "copy", [np.asfortranarray, np.ascontiguousarray, lambda a: a[::-1][::-1]]
)
def test_dtype_preserving_copies_of_X_give_bit_identical_models(copy):
    X, y = make_task("multiclass", n_samples=60)
    base = ManualMLPClassifier((6,), max_iter=10, random_state=0).fit(X, y)
    other = ManualMLPClassifier((6,), max_iter=10, random_state=0).fit(
        copy(X.copy()), y
    )
    for a, b in zip(
        base.coefs_ + base.intercepts_, other.coefs_ + other.intercepts_, strict=True
    ):
        assert_array_equal(a, b)


def test_grid_search_models_are_bit_identical_with_one_or_two_jobs():
    X, y = make_task("multiclass", n_samples=60)
    grid = {"alpha": [1e-4, 1e-1], "hidden_layer_sizes": [(4,), (6,)]}
    searches = [
        GridSearchCV(
            ManualMLPClassifier(max_iter=10, random_state=0), grid, cv=2, n_jobs=n
        ).fit(X, y)
        for n in (1, 2)
    ]
    one, two = (s.best_estimator_ for s in searches)
    assert searches[0].best_params_ == searches[1].best_params_
    assert_array_equal(
        searches[0].cv_results_["mean_test_score"],
        searches[1].cv_results_["mean_test_score"],
    )
    for a, b in zip(one.coefs_, two.coefs_, strict=True):
        assert_array_equal(a, b)
