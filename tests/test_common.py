"""scikit-learn's estimator checks, all of them, with nothing excused."""

import numpy as np
from sklearn.utils.estimator_checks import parametrize_with_checks

from skmanualnet import (
    CustomActivation,
    ManualMLPClassifier,
    ManualMLPRegressor,
    TabularMLPClassifier,
    TabularMLPRegressor,
    TabularPreprocessor,
)


def softsign(z):
    """φ(z) = z / (1 + |z|), at module level so that the estimator pickles."""
    return z / (1 + np.abs(z))


def softsign_prime(z):
    """φ′(z) = 1 / (1 + |z|)²."""
    return 1 / (1 + np.abs(z)) ** 2


ESTIMATORS = [
    ManualMLPClassifier(),
    ManualMLPClassifier(hidden_layer_sizes=(8, 6), activation="tanh"),
    ManualMLPClassifier(activation="logistic"),
    ManualMLPClassifier(
        hidden_layer_sizes=(8, 6), activation=("gelu", "elu"), weight_init="he_normal"
    ),
    ManualMLPClassifier(
        hidden_layer_sizes=(8,),
        activation=[CustomActivation("softsign", softsign, softsign_prime)],
    ),
    ManualMLPRegressor(),
    ManualMLPRegressor(
        hidden_layer_sizes=(8, 6), activation="tanh", solver="adam",
        learning_rate_init=0.01,
    ),
    ManualMLPRegressor(solver="lbfgs", activation="logistic"),
    ManualMLPRegressor(
        activation="mish", weight_init="he_uniform", solver="adam",
        learning_rate_init=0.01,
    ),
    ManualMLPRegressor(loss="huber"),
    ManualMLPRegressor(loss="quantile", quantile=0.8),
    ManualMLPRegressor(loss="absolute_error"),
]  # fmt: skip

#: each layer option on (tests/test_layer_options.py checks them further)
LAYERED = [
    ManualMLPClassifier(dropout=0.1),
    ManualMLPClassifier(hidden_layer_sizes=(8, 6), normalization="batch"),
    ManualMLPClassifier(normalization="layer", activation="tanh"),
    ManualMLPClassifier(input_scale=True, parametric_activation=True),
    ManualMLPClassifier(input_embedding="periodic", embedding_size=4),
    ManualMLPRegressor(
        input_embedding="piecewise_linear",
        embedding_size=4,
        solver="adam",
        learning_rate_init=0.01,
    ),
    ManualMLPRegressor(hidden_layer_sizes=(8, 6), dropout=(0.2, 0.0)),
    ManualMLPRegressor(hidden_layer_sizes=(8, 6), normalization="layer"),
    ManualMLPRegressor(solver="lbfgs", normalization="batch"),
]
#: the tabular estimators, smaller than their defaults for time, and their
#: preprocessing (tests/test_tabular*.py check them on real tables)
TABULAR = [
    TabularPreprocessor(),
    TabularMLPClassifier(hidden_layer_sizes=(64, 64), max_iter=100),
    TabularMLPRegressor(hidden_layer_sizes=(32, 32), max_iter=50),
]
#: the training recipe's options on (tests/test_label_smoothing.py,
#: test_weight_decay.py and test_schedules.py check them further)
RECIPE = [
    ManualMLPClassifier(label_smoothing=0.1),
    ManualMLPClassifier(
        solver="adam", weight_decay=0.01, learning_rate="cosine",
        learning_rate_init=0.01,
    ),
    ManualMLPClassifier(learning_rate="cosine_restarts", label_smoothing=0.2),
    ManualMLPRegressor(weight_decay=0.01, learning_rate="flat_cosine"),
    ManualMLPRegressor(
        normalization="layer", solver="adam", weight_decay=0.05,
        learning_rate="cosine", learning_rate_init=0.01,
    ),
]  # fmt: skip
# loss="poisson" is checked in test_regressor.py, not here: sklearn's
# check_regressor_multioutput fits negative targets whatever the positive_only
# tag says, and a Poisson model rightly refuses them.


@parametrize_with_checks(ESTIMATORS + LAYERED + RECIPE + TABULAR)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
