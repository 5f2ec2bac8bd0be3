"""Properties over random small problems (hypothesis, bounded to stay fast)."""

import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning

from skmanualnet import DivergenceError, ManualMLPClassifier, check_gradients
from skmanualnet._inspection.inspected import inspected_problem
from skmanualnet._training.problem import full_batch_loss

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def problems(draw):
    """Random (X, y, parameters): 2-4 classes, 6-30 rows, 1-2 small hidden layers."""
    seed = draw(st.integers(0, 2**16))
    rng = np.random.RandomState(seed)
    n_classes = draw(st.integers(2, 4))
    n = draw(st.integers(3 * n_classes, 30))
    d = draw(st.integers(1, 5))
    X = rng.standard_normal((n, d)) * draw(st.sampled_from([0.1, 1.0, 10.0]))
    y = np.r_[np.arange(n_classes), rng.randint(n_classes, size=n - n_classes)]
    params = dict(
        hidden_layer_sizes=tuple(
            draw(st.lists(st.integers(1, 6), min_size=1, max_size=2))
        ),
        activation=draw(st.sampled_from(["relu", "tanh", "logistic", "identity"])),
        solver=draw(st.sampled_from(["sgd", "adam"])),
        alpha=draw(st.sampled_from([0.0, 1e-4, 0.5])),
        batch_size=draw(st.integers(1, n)),
        learning_rate_init=draw(st.sampled_from([1e-3, 0.05, 0.5])),
        max_iter=draw(st.integers(1, 15)),
        random_state=seed,
    )
    return X, y, params


def _fit(X, y, params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return ManualMLPClassifier(**params).fit(X, y)


@SETTINGS
@given(problems())
def test_fit_gives_finite_weights_and_proper_probabilities_or_raises(problem):
    X, y, params = problem
    try:
        model = _fit(X, y, params)
    except DivergenceError:
        return  # said clearly; the weights kept are finite (checked elsewhere)
    assert all(np.isfinite(W).all() for W in model.coefs_ + model.intercepts_)
    proba = model.predict_proba(X)
    assert ((proba >= 0) & (proba <= 1)).all()
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    assert_array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])


@SETTINGS
@given(problems())
def test_order_preserving_relabelling_changes_nothing_but_the_labels(problem):
    X, y, params = problem
    names = np.array(["ant", "bee", "cat", "dog"])  # sorted like 0, 1, 2, 3
    try:
        numbers, words = _fit(X, y, params), _fit(X, names[y], params)
    except DivergenceError:
        return
    assert_array_equal(words.predict_proba(X), numbers.predict_proba(X))
    assert_array_equal(words.predict(X), names[numbers.predict(X)])


@SETTINGS
@given(problems(), st.permutations(range(4)))
def test_permuting_output_units_permutes_the_probability_columns(problem, order):
    X, y, params = problem
    try:
        model = _fit(X, y, params)
    except DivergenceError:
        return
    K = len(model.classes_)
    if K < 3:  # binary has a single output unit
        return
    perm = [i for i in order if i < K]
    original, labels = model.predict_proba(X), model.predict(X)
    model.coefs_[-1][...] = model.coefs_[-1][:, perm]
    model.intercepts_[-1][...] = model.intercepts_[-1][perm]
    model.classes_ = model.classes_[perm]
    assert_allclose(model.predict_proba(X), original[:, perm], rtol=1e-12)
    assert_array_equal(model.predict(X), labels)


#: central differences with ε = 1e-6 on a loss of order 1 are exact to about
#: u · L / ε ≈ 1e-10: their absolute error cannot be asked to be smaller
DIFFERENCE_NOISE = 1e-9


def _gradient_sizes(params, X, y):
    """max |∂L/∂θ| of each layer's weights and biases, as check_gradients
    compares them (its relative error divides by about this)."""
    _, problem = inspected_problem(ManualMLPClassifier(**params), X, y, None, None)
    problem = problem.in_dtype(np.float64)
    grad = full_batch_loss(problem, clip=False)(problem.theta)[1]
    coefs, intercepts = problem.network.layout.unpack(grad)
    return {
        "coefs": [np.abs(W).max() for W in coefs],
        "intercepts": [np.abs(b).max() for b in intercepts],
    }


@settings(max_examples=15, deadline=None)
@given(problems())
def test_gradient_check_holds_on_random_networks(problem):
    X, y, params = problem
    params = {**params, "activation": params["activation"].replace("relu", "tanh")}
    errors = check_gradients(ManualMLPClassifier(**params), X, y)
    sizes = _gradient_sizes(params, X, y)
    for kind in ("coefs", "intercepts"):
        for error, size in zip(errors[kind], sizes[kind], strict=True):
            # relative to the gradient, or (for a layer of saturated tanh units,
            # whose gradient is 1e-6 or less) within the differences' own noise
            assert error < 1e-5 or error * size < DIFFERENCE_NOISE, (errors, sizes)
