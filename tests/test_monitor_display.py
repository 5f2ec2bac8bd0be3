"""TrainingMonitorDisplay: a panel per statistic, a line per layer, the 1e-3
guide on the ratio panel, the verdicts under the panels; notebook HTML."""

import subprocess
import sys

import matplotlib
import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits

from skmanualnet import ManualMLPClassifier, TrainingMonitor, TrainingMonitorDisplay

from ._data import make_task

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _watched(activation="relu", hidden=(6, 5), **params):
    X, y = make_task("multiclass", n_samples=60)
    monitor = TrainingMonitor()
    model = ManualMLPClassifier(hidden, activation=activation, max_iter=4,
                                random_state=0, **params)  # fmt: skip
    model.set_callbacks(monitor).fit(X, y)
    return monitor


def test_one_panel_per_statistic_and_one_line_per_layer():
    monitor = _watched("relu")
    display = TrainingMonitorDisplay.from_callback(monitor)
    assert len(display.axes_) == 6 and len(display.figure_.axes) == 6
    assert len(display.lines_["dead_fraction"]) == 2  # hidden layers
    assert len(display.lines_["update_ratio"]) == 3  # W¹, W², W³
    assert display.lines_["saturated_fraction"] == []  # relu: none drawn
    line = display.lines_["dead_fraction"][1]
    assert_array_equal(line.get_ydata(), monitor.dead_fraction_[:, 1])
    assert_array_equal(line.get_xdata(), monitor.epochs_)
    assert display.axes_["update_ratio"].get_yscale() == "log"
    assert_array_equal(display.guide_line_.get_ydata(), [1e-3, 1e-3])
    assert display.verdict_text_.get_text() == "\n".join(
        monitor.verdicts() or ["No rule of thumb broken at epoch 4."]
    )


def test_the_verdict_names_a_planted_dead_layer_and_a_healthy_fit_passes():
    X, y = load_digits(return_X_y=True)
    monitor = TrainingMonitor()
    model = ManualMLPClassifier((32, 32), max_iter=10, random_state=0)
    model.set_callbacks(monitor).fit(X / 16, y)
    display = TrainingMonitorDisplay.from_callback(monitor)
    assert display.verdicts == ["No rule of thumb broken at epoch 10."]

    model.coefs_[1][:, :24] = 0.0  # 24 of 32 units of layer 2 dead
    model.intercepts_[1][:24] = -1.0
    model.set_params(warm_start=True, max_iter=2, alpha=0.0)
    model.fit(X / 16, y)  # the same monitor: a continued fit extends its record
    display = TrainingMonitorDisplay.from_callback(monitor)
    assert_array_equal(display.epochs, np.arange(13))
    dead = monitor.dead_fraction_[-1, 1]
    assert dead >= 24 / 32  # the planted units, and any that had died before
    verdict = f"layer 2: {round(100 * dead)} % of relu units dead since epoch 11"
    assert verdict in display.verdicts
    assert not any(v.startswith("layer 1") for v in display.verdicts)
    html = display._repr_html_()
    assert "<table>" in html and verdict in html


def test_tanh_panels_and_bad_inputs():
    display = TrainingMonitorDisplay.from_callback(_watched("tanh"))
    assert len(display.lines_["saturated_fraction"]) == 2
    assert display.lines_["dead_fraction"] == []
    _, axes = plt.subplots(1, 4)
    with pytest.raises(ValueError, match="ax must hold 6 Axes"):
        display.plot(ax=axes)
    with pytest.raises(ValueError, match="watched a fit"):
        TrainingMonitorDisplay.from_callback(TrainingMonitor())
    assert np.isnan(display.statistics["dead_fraction"]).all()


def test_importing_the_package_draws_in_no_plotting_library():
    code = "import sys, skmanualnet; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    assert out.strip() == "False"
