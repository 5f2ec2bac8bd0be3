"""pandas input: feature names are kept and checked exactly as scikit-learn does.

Each message is compared with the one sklearn's own MLPClassifier gives in the
same situation (the class name aside), so that a change in sklearn's wording
cannot make these tests pass on a message that is no longer the standard one.
"""

import re
import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmanualnet import ManualMLPClassifier

from ._data import make_task

pd = pytest.importorskip("pandas")

COLUMNS = ["sepal", "petal", "stem", "root"]
LABELS = np.array(["ant", "bee", "cat"])
PREDICTING = ["predict", "predict_proba", "predict_log_proba", "score"]


def _frame_and_labels():
    X, y = make_task("multiclass", n_samples=40, seed=3)
    return pd.DataFrame(X, columns=COLUMNS), pd.Series(LABELS[y], name="kind")


def _fitted(cls, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return cls(hidden_layer_sizes=(5,), max_iter=20, random_state=0).fit(X, y)


def _call(model, method, X, y):
    call = getattr(model, method)
    return call(X, y) if method == "score" else call(X)


def _sklearn_says(error_or_warning, fit_X, fit_y, method, X, y):
    """What MLPClassifier fitted on (fit_X, fit_y) raises or warns at
    ``method(X)``, as a pattern, with our class name."""
    reference = _fitted(MLPClassifier, fit_X, fit_y)
    if error_or_warning is UserWarning:
        with pytest.warns(UserWarning) as record:
            _call(reference, method, X, y)
        message = str(record[0].message)
    else:
        with pytest.raises(error_or_warning) as info:
            _call(reference, method, X, y)
        message = str(info.value)
    return re.escape(message.replace("MLPClassifier", "ManualMLPClassifier"))


def test_fit_on_a_frame_keeps_feature_names_and_fits_the_same_model():
    frame, labels = _frame_and_labels()
    model = _fitted(ManualMLPClassifier, frame, labels)
    assert_array_equal(model.feature_names_in_, COLUMNS)
    assert model.feature_names_in_.dtype == object
    assert model.n_features_in_ == 4
    assert_array_equal(model.classes_, LABELS)
    on_arrays = _fitted(ManualMLPClassifier, frame.to_numpy(), labels.to_numpy())
    assert not hasattr(on_arrays, "feature_names_in_")
    # the same frame predicts without any warning (warnings are errors here)
    assert_array_equal(
        model.predict_proba(frame), on_arrays.predict_proba(frame.values)
    )
    assert_array_equal(model.predict(frame), on_arrays.predict(frame.values))


@pytest.mark.parametrize("method", PREDICTING + ["decision_function"])
@pytest.mark.parametrize("change", ["renamed", "reordered", "dropped"])
def test_other_column_names_give_sklearns_error(change, method):
    frame, labels = _frame_and_labels()
    model = _fitted(ManualMLPClassifier, frame, labels)
    other = {
        "renamed": frame.rename(columns={"petal": "leaf"}),
        "reordered": frame[COLUMNS[::-1]],
        "dropped": frame.drop(columns="stem"),
    }[change]
    like = "predict" if method == "decision_function" else method
    expected = _sklearn_says(ValueError, frame, labels, like, other, labels)
    with pytest.raises(ValueError, match=expected):
        _call(model, method, other, labels)


@pytest.mark.parametrize("method", PREDICTING)
def test_array_after_fitting_on_a_frame_gives_sklearns_warning(method):
    frame, labels = _frame_and_labels()
    model = _fitted(ManualMLPClassifier, frame, labels)
    expected = _sklearn_says(
        UserWarning, frame, labels, method, frame.to_numpy(), labels
    )
    with pytest.warns(UserWarning, match=expected):
        _call(model, method, frame.to_numpy(), labels)


def test_frame_after_fitting_on_an_array_gives_sklearns_warning():
    frame, labels = _frame_and_labels()
    model = _fitted(ManualMLPClassifier, frame.to_numpy(), labels)
    expected = _sklearn_says(
        UserWarning, frame.to_numpy(), labels, "predict", frame, labels
    )
    with pytest.warns(UserWarning, match="X has feature names, but Manual"):
        model.predict(frame)
    with pytest.warns(UserWarning, match=expected):
        model.predict(frame)


def test_mixed_column_name_types_give_sklearns_error():
    frame, labels = _frame_and_labels()
    mixed = frame.set_axis(["a", "b", 1, 2], axis=1)
    with pytest.raises(TypeError) as info:
        _fitted(MLPClassifier, mixed, labels)
    with pytest.raises(TypeError, match=re.escape(str(info.value))):
        _fitted(ManualMLPClassifier, mixed, labels)


def test_non_string_column_names_are_not_feature_names():
    frame, labels = _frame_and_labels()
    model = _fitted(ManualMLPClassifier, frame.set_axis(range(4), axis=1), labels)
    assert not hasattr(model, "feature_names_in_")
    model.predict(frame.to_numpy())  # and so no warning


def test_partial_fit_checks_the_names_of_later_chunks():
    frame, labels = _frame_and_labels()
    model = ManualMLPClassifier((5,), random_state=0)
    model.partial_fit(frame[:20], labels[:20], classes=LABELS)
    assert_array_equal(model.feature_names_in_, COLUMNS)
    model.partial_fit(frame[20:], labels[20:])
    with pytest.raises(ValueError, match="Feature names unseen at fit time"):
        model.partial_fit(frame[20:].rename(columns={"root": "bark"}), labels[20:])


def test_pipeline_with_pandas_output_passes_names_to_the_classifier():
    frame, labels = _frame_and_labels()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe = make_pipeline(
            StandardScaler(), ManualMLPClassifier((5,), max_iter=20, random_state=0)
        ).set_output(transform="pandas")
        pipe.fit(frame, labels)
    assert_array_equal(pipe.feature_names_in_, COLUMNS)
    assert_array_equal(pipe[-1].feature_names_in_, COLUMNS)
    pipe.predict(frame)
    with pytest.raises(ValueError, match="The feature names should match"):
        pipe.predict(frame[COLUMNS[::-1]])


@pytest.mark.parametrize(
    "make_y",
    [
        lambda y: y,  # pandas 3's str dtype
        lambda y: y.astype(object),
        lambda y: y.astype("category"),
    ],
    ids=["str", "object", "category"],
)
def test_label_series_of_each_dtype(make_y):
    frame, labels = _frame_and_labels()
    model = _fitted(ManualMLPClassifier, frame, make_y(labels))
    assert_array_equal(model.classes_, LABELS)
    predicted = model.predict(frame)
    assert isinstance(predicted, np.ndarray)
    assert set(predicted) <= set(LABELS)
    assert 0 <= model.score(frame, make_y(labels)) <= 1


def test_float32_frame_and_sample_weight_series():
    frame, labels = _frame_and_labels()
    frame32 = frame.astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = ManualMLPClassifier((5,), max_iter=20, random_state=0).fit(
            frame32, labels, sample_weight=pd.Series(np.linspace(1, 2, len(labels)))
        )
    assert model.coefs_[0].dtype == np.float32
    assert model.predict_proba(frame32).dtype == np.float32
