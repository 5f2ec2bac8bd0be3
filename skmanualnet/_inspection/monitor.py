"""TrainingMonitor: per-layer statistics of a network, epoch by epoch, through
scikit-learn's callback API (``sklearn.callback``).

The estimators open a fit task with one subtask per epoch
(:mod:`skmanualnet._training.callbacks`); at the end of each watched epoch the
monitor runs one probe pass (:mod:`skmanualnet._inspection.monitor_stats`) and
appends what it measured to the record of that fit.
"""

from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params

from .._estimators.activation_param import resolve_activations
from .._estimators.base import STOCHASTIC_SOLVERS, BaseManualMLP
from .monitor_stats import probe_pass, probe_problem, statistics
from .monitor_verdicts import record_html, verdicts

#: The statistics recorded, each an array of epochs × layers.
STATISTICS = (
    "activation_mean",
    "activation_std",
    "saturated_fraction",
    "dead_fraction",
    "gradient_norm",
    "update_ratio",
)


@dataclass
class MonitorRecord:
    """What the monitor recorded of one fit (a warm-start or ``partial_fit``
    call that goes on from it extends it).

    Attributes
    ----------
    estimator : str
        The class name of the fitted estimator.
    params : dict
        Its parameters (``get_params(deep=False)``) when the fit began.
    activations : list of str
        The activation of each hidden layer l = 1 … L − 1.
    epochs_ : ndarray of shape (n_measured,)
        The epoch after which each row was measured (0: before the first).
    activation_mean_, activation_std_, saturated_fraction_, dead_fraction_ : ndarray
        Of shape (n_measured, L − 1): one column per hidden layer.
    gradient_norm_, update_ratio_ : ndarray
        Of shape (n_measured, L): one column per weight matrix Wˡ, the output
        layer's last.
    """

    estimator: str
    params: dict
    activations: list
    rows: dict = field(default_factory=lambda: {"epochs": []})
    #: the id of the estimator watched, and the epochs it has run
    estimator_id: int = 0
    epochs_seen: int = 0

    def add(self, epoch, values):
        """Append the statistics measured after ``epoch``."""
        self.rows["epochs"].append(epoch)
        for name, value in values.items():
            self.rows.setdefault(name, []).append(value)

    def array(self, name):
        """The rows recorded for ``name`` as an array (epochs × layers)."""
        if name == "epochs":
            return np.asarray(self.rows["epochs"], dtype=int)
        return np.asarray(self.rows.get(name, []), dtype=float)

    def __getattr__(self, name):
        if name.endswith("_") and name[:-1] in ("epochs", *STATISTICS):
            return self.array(name[:-1])
        raise AttributeError(name)


@dataclass
class _Run:
    """A fit under way: its record, probe rows and the epochs before it."""

    record: MonitorRecord
    rows: np.ndarray
    epochs_before: int
    problem: object = None


class TrainingMonitor:
    """Watch a network train: per-layer statistics after every epoch.

    A scikit-learn callback (``sklearn.callback``): set it with
    ``set_callbacks`` on the outermost estimator, a skmanualnet MLP, or a
    :class:`~sklearn.pipeline.Pipeline` or search that holds one (it propagates
    to them, as :class:`~sklearn.callback.ProgressBar` does). Fits by
    ``solver="sgd"`` or ``"adam"`` are watched; L-BFGS runs no epochs.

    What is measured, after epoch 0 (the initial weights of a fresh fit) and
    every ``every``-th epoch: one training-mode forward and backward pass of
    the network, at that epoch's final weights, on a probe of up to
    ``probe_size`` training rows drawn once per fit (the same rows at every
    epoch), each row weighing 1 (sample weights left out, ``class_weight``
    applied); batch normalisation uses the probe's statistics and dropout
    masks of a fixed seed (the activations are taken before dropout). The
    pass runs on copies: training is not changed. For each hidden layer l,
    on its activations aˡ (B probe rows × n units):

    - ``activation_mean_``, ``activation_std_``: the mean and the standard
      deviation (ddof 0) over all B n entries;
    - ``saturated_fraction_``: the share of entries with :math:`|a| > 0.97` (tanh) or
      a < 0.03 or a > 0.97 (logistic), where φ′ is below 0.06 and 0.03; NaN
      for other activations;
    - ``dead_fraction_``: the share of relu units that are 0 on every probe
      row; NaN for other activations.

    For each weight matrix Wˡ, l = 1 … L (the output layer's last):

    - ``gradient_norm_``: ‖W̄ˡ‖_F, the Frobenius norm of the gradient of the
      training loss (L2 penalty included) on the probe;
    - ``update_ratio_``: ‖ΔWˡ‖_F / ‖Wˡ‖_F of one step of a copy of the
      estimator's optimizer (its learning rate, momentum or Adam moments as
      training left them) from those weights on that gradient: the step the
      optimizer would take next on a batch of the probe rows. The rule of
      thumb puts it near 1e-3.

    Parameters
    ----------
    every : int, default=1
        Measure after every ``every``-th epoch (and at epoch 0).
    probe_size : int, default=256
        The number of training rows in the probe (all of them when fewer).
    random_state : int, RandomState instance or None, default=0
        Draws the probe rows.

    Attributes
    ----------
    records_ : list of MonitorRecord
        One record per watched fit, in the order the fits began: in a
        :class:`~sklearn.model_selection.GridSearchCV` the fits of every
        candidate and fold, then the refit (the estimator clones share the
        monitor). Fits run in other processes (``n_jobs`` > 1 with the default
        process-based backend) record in those processes' copies, and are not
        seen here; threads are.
    epochs_, activation_mean_, activation_std_, saturated_fraction_, \
dead_fraction_, gradient_norm_, update_ratio_ : ndarray
        Those of the last record (the refit of a search): see
        ``MonitorRecord``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skmanualnet import ManualMLPClassifier, TrainingMonitor
    >>> X, y = load_iris(return_X_y=True)
    >>> monitor = TrainingMonitor(every=5)
    >>> model = ManualMLPClassifier((8, 8), max_iter=20, random_state=0)
    >>> model = model.set_callbacks(monitor).fit(X, y)
    >>> monitor.epochs_
    array([ 0,  5, 10, 15, 20])
    >>> monitor.dead_fraction_.shape, monitor.update_ratio_.shape
    ((5, 2), (5, 3))
    """

    @validate_params(
        {
            "every": [Interval(Integral, 1, None, closed="left")],
            "probe_size": [Interval(Integral, 1, None, closed="left")],
            "random_state": ["random_state"],
        },
        prefer_skip_nested_validation=True,
    )
    def __init__(self, *, every=1, probe_size=256, random_state=0):
        self.every = every
        self.probe_size = probe_size
        self.random_state = random_state
        self.records_ = []
        self._runs = {}  # id(estimator) -> _Run, for the fits under way

    @property
    def max_propagation_depth(self):
        """None: propagated to the estimators at every depth of nesting."""
        return None

    def __getattr__(self, name):
        if name.endswith("_") and name[:-1] in ("epochs", *STATISTICS):
            if not self.__dict__.get("records_"):
                raise AttributeError(
                    f"{name} is recorded by a fit: this TrainingMonitor has "
                    "watched none yet (set it with set_callbacks, then fit)."
                )
            return self.records_[-1].array(name[:-1])
        raise AttributeError(name)

    def setup(self, estimator, context):
        """Nothing to set up: each fit opens its own record."""

    def teardown(self, estimator, context):
        """Forget the fits under way (a fit that raised never ended)."""
        self._runs.clear()

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None):
        """A watched fit begins: open (or go on with) its record, draw its
        probe, and measure the initial weights of a fresh fit."""
        if not _watched(estimator) or context.task_name != "fit":
            return
        before = len(estimator.loss_curve_)
        record = self._continued(estimator, before)
        if record is None:
            names = _hidden_activation_names(estimator)
            record = MonitorRecord(
                type(estimator).__name__,
                estimator.get_params(deep=False),
                names,
                estimator_id=id(estimator),
            )
            self.records_.append(record)
        n_rows = X.shape[0]
        rows = np.sort(
            check_random_state(self.random_state).permutation(n_rows)[: self.probe_size]
        )
        self._runs[id(estimator)] = _Run(record, rows, before)
        if before == 0:
            self._measure(estimator, X, y, 0)

    def on_fit_task_end(self, estimator, context, *, X=None, y=None):
        """After a watched epoch, measure; after the fit, close its record."""
        run = self._runs.get(id(estimator)) if _watched(estimator) else None
        if run is None:
            return False
        if context.task_name == "fit":
            del self._runs[id(estimator)]
        elif context.task_name == "epoch":
            epoch = run.epochs_before + context.task_id + 1
            run.record.epochs_seen = epoch
            if epoch % self.every == 0:
                self._measure(estimator, X, y, epoch)
        return False

    def _measure(self, estimator, X, y, epoch):
        """Run the probe pass after ``epoch`` and record its statistics."""
        run = self._runs[id(estimator)]
        if run.problem is None:
            run.problem = probe_problem(estimator, X[run.rows], y[run.rows])
        with np.errstate(all="ignore"):  # a diverging fit is recorded, not raised
            values = statistics(probe_pass(estimator, run.problem))
        run.record.add(epoch, values)

    def _continued(self, estimator, before):
        """The record a continued call extends: the last one, if it watched
        this estimator up to the epoch it goes on from."""
        if before == 0 or not self.records_:
            return None
        record = self.records_[-1]
        same = record.estimator_id == id(estimator) and record.epochs_seen == before
        return record if same else None

    def verdicts(self, record=-1):
        """The rules of thumb that the last measured epoch of a record (the
        last by default) breaks, as sentences; an empty list when none is.

        The rules: a relu layer with 25 % or more dead units, a tanh or
        logistic layer with 25 % or more saturated activations, an update
        ratio above 1e-2 or below 1e-5, statistics that are not finite. Each
        sentence says since which measured epoch the rule has been broken:
        ``"layer 2: 61 % of relu units dead since epoch 3"``.
        """
        return verdicts(self.records_[record])

    def _repr_html_(self):
        if not self.records_:
            return "<p>TrainingMonitor: no fit watched yet.</p>"
        return record_html(self.records_[-1])


def _watched(estimator):
    """A skmanualnet MLP trained in epochs."""
    return (
        isinstance(estimator, BaseManualMLP) and estimator.solver in STOCHASTIC_SOLVERS
    )


def _hidden_activation_names(estimator):
    """The activation of each hidden layer of the fit that begins."""
    n_hidden = len(estimator.coefs_) - 1
    return [a.name for a in resolve_activations(estimator.activation, n_hidden)]
