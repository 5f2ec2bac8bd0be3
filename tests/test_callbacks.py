"""scikit-learn's callback API: a subtask per epoch, progress bars, monitors, stops."""

import numpy as np
from sklearn.callback import ProgressBar, ScoringMonitor
from sklearn.model_selection import GridSearchCV

from skmanualnet import ManualMLPClassifier

from ._data import make_task


class EpochRecorder:
    """A minimal FitCallback: records the tasks it sees and stops after `stop_at`."""

    def __init__(self, stop_at=None):
        self.stop_at, self.begun, self.ended, self.scores = stop_at, [], [], []

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        self.begun.append((context.task_name, context.task_id))

    def on_fit_task_end(
        self, estimator, context, *, X=None, y=None, fitted_estimator=None
    ):
        self.ended.append((context.task_name, context.task_id))
        if context.task_name == "epoch":
            self.scores.append(fitted_estimator.score(X, y))
            return self.stop_at is not None and context.task_id + 1 >= self.stop_at
        return False


def test_one_subtask_per_epoch_with_the_epoch_model():
    X, y = make_task("multiclass", n_samples=60)
    recorder = EpochRecorder()
    model = ManualMLPClassifier((6,), max_iter=7, random_state=0).set_callbacks(
        recorder
    )
    model.fit(X, y)
    epochs = [("epoch", i) for i in range(7)]
    assert recorder.begun == [("fit", 0), *epochs]
    assert recorder.ended == [*epochs, ("fit", 0)]
    # the copy handed over at each epoch's end predicts with that epoch's weights
    assert recorder.scores[-1] == model.score(X, y)
    assert recorder.scores[0] != recorder.scores[-1]


def test_a_callback_can_stop_the_fit():
    X, y = make_task("binary", n_samples=60)
    recorder = EpochRecorder(stop_at=3)
    model = ManualMLPClassifier((6,), max_iter=50, random_state=0).set_callbacks(
        recorder
    )
    model.fit(X, y)
    assert model.n_iter_ == 3 and len(model.loss_curve_) == 3


def test_scoring_monitor_records_a_score_per_epoch():
    X, y = make_task("multiclass", n_samples=60)
    monitor = ScoringMonitor(scoring="accuracy")
    model = ManualMLPClassifier((6,), max_iter=5, random_state=0).set_callbacks(monitor)
    model.fit(X, y)
    rows = [row for row in monitor.get_logs().data if row["task_name"] == "epoch"]
    assert len(rows) == 5
    assert rows[-1]["accuracy"] == model.score(X, y)


def test_progress_bar_over_epochs_and_over_a_grid_search(capsys):
    X, y = make_task("binary", n_samples=60)
    model = ManualMLPClassifier((4,), max_iter=5, random_state=0)
    model.set_callbacks(ProgressBar()).fit(X, y)
    search = GridSearchCV(
        ManualMLPClassifier((4,), max_iter=5, random_state=0),
        {"alpha": [1e-4, 1e-2]},
        cv=2,
    )
    search.set_callbacks(ProgressBar()).fit(X, y)
    assert np.isfinite(search.best_score_)
    assert "ManualMLPClassifier" in capsys.readouterr().out
