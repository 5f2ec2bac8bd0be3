"""scikit-learn's estimator checks, all of them, with nothing excused."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skmanualnet import ManualMLPClassifier, ManualMLPRegressor

ESTIMATORS = [
    ManualMLPClassifier(),
    ManualMLPClassifier(hidden_layer_sizes=(8, 6), activation="tanh"),
    ManualMLPClassifier(activation="logistic"),
    ManualMLPRegressor(),
    ManualMLPRegressor(
        hidden_layer_sizes=(8, 6), activation="tanh", solver="adam",
        learning_rate_init=0.01,
    ),
    ManualMLPRegressor(solver="lbfgs", activation="logistic"),
    ManualMLPRegressor(loss="huber"),
    ManualMLPRegressor(loss="quantile", quantile=0.8),
    ManualMLPRegressor(loss="absolute_error"),
]  # fmt: skip
# loss="poisson" is checked in test_regressor.py, not here: sklearn's
# check_regressor_multioutput fits negative targets whatever the positive_only
# tag says, and a Poisson model rightly refuses them.


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
