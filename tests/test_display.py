"""TrainingCurveDisplay: the curves it draws are the model's, the best epoch is
the one early stopping kept."""

import matplotlib
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmanualnet import ManualMLPClassifier, ManualMLPRegressor, TrainingCurveDisplay

from ._data import make_task

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _fit(**params):
    X, y = make_task("multiclass", n_samples=120)
    model = ManualMLPClassifier((8,), random_state=0, max_iter=60, **params)
    return model.fit(X, y)


def test_without_early_stopping_it_draws_the_training_loss_alone():
    model = _fit()
    display = TrainingCurveDisplay.from_estimator(model)
    line = display.lines_["loss"]
    assert_array_equal(line.get_xdata(), np.arange(1, model.n_iter_ + 1))
    assert_allclose(line.get_ydata(), model.loss_curve_)
    assert set(display.lines_) == {"loss"}
    assert display.score_ax_ is None and display.best_epoch_line_ is None
    assert display.figure_ is display.ax_.figure
    assert display.ax_.get_xlabel() == "epoch"
    assert display.ax_.get_title() == "ManualMLPClassifier"


@pytest.mark.parametrize("metric", ["score", "loss"])
def test_with_early_stopping_it_adds_the_validation_curves_and_the_kept_epoch(metric):
    model = _fit(early_stopping=True, early_stopping_metric=metric, n_iter_no_change=5)
    display = TrainingCurveDisplay.from_estimator(model)
    assert_allclose(
        display.lines_["validation_loss"].get_ydata(), model.validation_loss_curve_
    )
    score = display.lines_["validation_score"]
    assert score.axes is display.score_ax_ and score.axes is not display.ax_
    assert_allclose(score.get_ydata(), model.validation_scores_)
    assert display.score_ax_.get_ylabel() == "validation accuracy"
    if metric == "score":
        best = int(np.argmax(model.validation_scores_)) + 1
    else:
        best = int(np.argmin(model.validation_loss_curve_)) + 1
    assert display.best_epoch == best
    assert_array_equal(display.best_epoch_line_.get_xdata(), [best, best])
    # the weights kept are those of that epoch: the validation loss there
    if metric == "loss":
        assert model.best_validation_loss_ == model.validation_loss_curve_[best - 1]
    legend = [t.get_text() for t in display.score_ax_.get_legend().get_texts()]
    assert legend == [
        "training loss",
        "validation loss",
        "validation accuracy",
        f"best epoch ({best}), kept",
    ]


def test_it_draws_on_the_axes_given_and_takes_pipelines_and_sklearn_mlps():
    X, y = make_task("multiclass", n_samples=120)
    pipe = make_pipeline(StandardScaler(), ManualMLPClassifier((8,), max_iter=20))
    pipe.fit(X, y)
    _, ax = plt.subplots()
    display = TrainingCurveDisplay.from_estimator(
        pipe, ax=ax, name="mine", loss_kw={"color": "red"}
    )
    assert display.ax_ is ax and ax.get_title() == "mine"
    assert display.lines_["loss"].get_color() == "red"
    assert_allclose(display.lines_["loss"].get_ydata(), pipe[-1].loss_curve_)
    theirs = MLPClassifier((8,), early_stopping=True, max_iter=30, random_state=0)
    display = TrainingCurveDisplay.from_estimator(theirs.fit(X, y))
    assert display.best_epoch == int(np.argmax(theirs.validation_scores_)) + 1
    assert "validation_loss" not in display.lines_


def test_bad_input_gets_a_clear_error():
    with pytest.raises(NotFittedError):
        TrainingCurveDisplay.from_estimator(ManualMLPClassifier())
    X, y = make_task("multiclass", n_samples=60)
    lbfgs = ManualMLPClassifier((4,), solver="lbfgs", max_iter=5).fit(X, y)
    with pytest.raises(ValueError, match="stochastic solver.*solver='lbfgs'"):
        TrainingCurveDisplay.from_estimator(lbfgs)
    with pytest.raises(ValueError, match=r"validation_scores must have one value per"):
        TrainingCurveDisplay(loss_curve=[1, 0.5], validation_scores=[0.1]).plot()
    with pytest.raises(ValueError, match="best_epoch must be an epoch between 1 and 2"):
        TrainingCurveDisplay(loss_curve=[1, 0.5], best_epoch=3).plot()
    with pytest.raises(ValueError, match="loss_curve must be a non-empty 1-d"):
        TrainingCurveDisplay(loss_curve=[]).plot()


def test_a_regressor_s_score_axis_is_its_r2():
    X, y = make_task("multiclass", n_samples=120)
    model = ManualMLPRegressor((8,), early_stopping=True, max_iter=30, random_state=0)
    display = TrainingCurveDisplay.from_estimator(model.fit(X, y.astype(float)))
    assert display.score_ax_.get_ylabel() == "validation R²"
    assert_allclose(display.lines_["validation_score"].get_ydata(),
                    model.validation_scores_)  # fmt: skip
