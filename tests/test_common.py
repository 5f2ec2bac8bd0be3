"""scikit-learn's estimator checks, all of them, with nothing excused."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skmanualnet import ManualMLPClassifier

ESTIMATORS = [
    ManualMLPClassifier(),
    ManualMLPClassifier(hidden_layer_sizes=(8, 6), activation="tanh"),
    ManualMLPClassifier(activation="logistic"),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
