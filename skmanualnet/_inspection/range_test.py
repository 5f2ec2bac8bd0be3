"""Smith's learning-rate range test: train a copy of the model for a few
hundred batches while the step η grows geometrically, and read a learning rate
off the loss curve.

The sweep runs the estimator's own training passes and optimizer, one batch per
step, on the training problem ``fit`` would solve
(:func:`~skmanualnet._inspection.inspected.inspected_problem`, on a clone: the
estimator given is never changed). One optimizer carries its state (momentum,
Adam's moments) through the whole sweep, only its η changes from step to step;
``partial_fit`` with a new ``learning_rate_init`` per batch would start a fresh
optimizer each time (a changed setting restarts it,
:func:`~skmanualnet._training.optimizers.resume_or_make_optimizer`), so the
sweep drives the optimizer itself. How the result is drawn is
:mod:`skmanualnet._inspection.range_test_plot`.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from .._estimators.base import STOCHASTIC_SOLVERS
from .._estimators.params import check_batch_size
from .._nn.workspace import Batches
from .._training.optimizers import make_optimizer
from .._training.problem import batch_penalty_network
from .inspected import inspected_problem

#: The rules that turn the smoothed loss curve into a learning rate.
RULES = {
    "minimum": "a tenth of the learning rate at the minimum of the smoothed loss",
    "steepest": (
        "the learning rate where the smoothed loss falls fastest against log η, "
        "before its minimum"
    ),
}

#: The fewest steps a sweep may take: the smoothing needs some to settle.
MIN_STEPS = 20


def geometric_rates(start, stop, n_steps):
    """ηₖ = start · (stop / start)^(k / (n − 1)), k = 0 … n − 1: equal ratios."""
    return np.geomspace(start, stop, n_steps)


class RunningAverage:
    """L̃ₖ = mₖ / (1 − βᵏ⁺¹), mₖ = β mₖ₋₁ + (1 − β) Lₖ, m₋₁ = 0: the running
    exponential average, its start-up bias towards 0 divided out."""

    def __init__(self, beta):
        self.beta, self.m, self.k = beta, 0.0, 0

    def update(self, loss):
        """L̃ₖ after Lₖ = ``loss``."""
        self.m = self.beta * self.m + (1 - self.beta) * loss
        self.k += 1
        return self.m / (1 - self.beta**self.k)


def smoothed_losses(losses, beta):
    """L̃ₖ of :class:`RunningAverage` for each Lₖ of ``losses``."""
    average = RunningAverage(beta)
    return np.array([average.update(loss) for loss in losses], dtype=float)


def explosion(loss, smooth, best, factor):
    """Why the sweep stops at this step (L non-finite, or L̃ > factor · min L̃),
    or None while it goes on."""
    if not np.isfinite(loss):
        return "the loss is no longer finite"
    if smooth > factor * best:
        return f"the smoothed loss exceeds {factor:g} × its minimum"
    return None


def log_slope(smooth, rates, width):
    """dL̃/d log η at ηₖ ≈ (L̃ₖ₊w − L̃ₖ₋w) / (log ηₖ₊w − log ηₖ₋w), k = w … n−1−w:
    a central difference over 2w steps, wide enough to outlast the batch
    noise."""
    log_rates = np.log(rates)
    rise = smooth[2 * width :] - smooth[: -2 * width]
    return rise / (log_rates[2 * width :] - log_rates[: -2 * width])


def suggested_rate(rates, smooth, rule):
    """The learning rate ``rule`` (a key of :data:`RULES`) reads off the
    smoothed loss: ηₖ* / 10 at k* = argmin L̃ ("minimum"), or ηₖ at the most
    negative slope dL̃/d log η (over spans of a twentieth of the sweep) up to
    k* ("steepest"; ηₖ* / 10 when the sweep is too short for a slope before
    k*)."""
    smooth, best = np.asarray(smooth), int(np.argmin(smooth))
    width = max(1, round(len(smooth) / 20))
    if rule == "minimum" or best < width:
        return float(rates[best] / 10)
    slope = log_slope(smooth[: best + width + 1], rates[: best + width + 1], width)
    return float(rates[width + int(np.argmin(slope[: best - width + 1]))])


class LearningRateRangeTest:
    """The result of :func:`~skmanualnet.learning_rate_range_test`: the loss of
    each step of the sweep, the learning rate suggested, and a plot.

    Attributes
    ----------
    learning_rates_ : ndarray of shape (n_steps_run,)
        η of each step run, increasing geometrically.
    losses_ : ndarray of shape (n_steps_run,)
        The training loss of each step's batch (penalty included), before that
        step's update.
    smoothed_losses_ : ndarray of shape (n_steps_run,)
        ``losses_`` smoothed by a debiased exponential average.
    suggested_learning_rate : float
        The learning rate ``rule`` reads off ``smoothed_losses_``.
    rule : str
        How ``suggested_learning_rate`` was found, in words.
    stopped_early : bool
        Whether the sweep stopped before its last step, the loss having
        exploded.
    stop_reason : str or None
        Why it stopped (None when it ran every step).
    solver : str
        The optimizer swept (``"sgd"`` or ``"adam"``).
    ax_, figure_ : matplotlib Axes and Figure
        Set by :meth:`plot`.
    lines_ : dict of matplotlib artists
        Set by :meth:`plot`: ``"loss"``, ``"smoothed"`` and ``"suggested"``.
    """

    def __init__(self, *, learning_rates, losses, smoothed_losses,
                 suggested_learning_rate, rule, stop_reason=None,
                 solver="sgd"):  # fmt: skip
        self.learning_rates_ = np.asarray(learning_rates, dtype=float)
        self.losses_ = np.asarray(losses, dtype=float)
        self.smoothed_losses_ = np.asarray(smoothed_losses, dtype=float)
        self.suggested_learning_rate = float(suggested_learning_rate)
        self.rule = rule
        self.stop_reason = stop_reason
        self.stopped_early = stop_reason is not None
        self.solver = solver

    def __repr__(self):
        end = "ran every step" if not self.stopped_early else self.stop_reason
        return (
            f"{type(self).__name__}(solver={self.solver!r}, "
            f"{self.learning_rates_.size} steps from η = "
            f"{self.learning_rates_[0]:.3g} to {self.learning_rates_[-1]:.3g} "
            f"({end}); suggested_learning_rate={self.suggested_learning_rate:.3g}: "
            f"{self.rule})"
        )

    def plot(self, ax=None, *, name=None, loss_kw=None, smoothed_kw=None,
             suggested_kw=None):  # fmt: skip
        """Draw the loss against η (log scale), smoothed and raw, and mark the
        suggested learning rate. Needs matplotlib.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        name : str, default=None
            The title.
        loss_kw, smoothed_kw, suggested_kw : dict, default=None
            Keyword arguments for the ``plot`` calls of the raw and smoothed
            losses, and for the ``axvline`` of the suggestion.

        Returns
        -------
        self : LearningRateRangeTest
            With ``ax_``, ``figure_`` and ``lines_`` set.
        """
        from .range_test_plot import plot_range_test  # matplotlib only here

        return plot_range_test(self, ax, name, loss_kw, smoothed_kw, suggested_kw)


def _check_estimator(estimator):
    """The final estimator, which must train with a learning rate."""
    model = estimator[-1] if isinstance(estimator, Pipeline) else estimator
    solver = getattr(model, "solver", None)
    if solver is not None and solver not in STOCHASTIC_SOLVERS:
        raise ValueError(
            f"learning_rate_range_test sweeps the learning rate of a stochastic "
            f"solver {STOCHASTIC_SOLVERS}; the estimator has solver={solver!r}, "
            "which takes no learning rate (L-BFGS steps by a line search). Set "
            "solver='sgd' or 'adam' first."
        )


def _batch_rows(n_samples, batch_size, shuffle, random_state):
    """The rows of each batch, epoch after epoch (reshuffled each epoch)."""
    order = np.arange(n_samples)
    while True:
        if shuffle:
            random_state.shuffle(order)
        for start in range(0, n_samples - batch_size + 1, batch_size):
            yield order[start : start + batch_size]


def set_learning_rate(optimizer, rate):
    """η ← rate for the optimizer's next step, its state kept (SGD steps with
    ``learning_rate``; Adam's step size is derived from ``learning_rate_init``)."""
    optimizer.learning_rate_init = optimizer.learning_rate = float(rate)


def sweep(model, problem, rates, beta, factor):
    """(losses, stop reason or None): one batch per η of ``rates``, each step
    of one optimizer, on a copy of the problem's θ."""
    data = (problem.X, problem.T, problem.sample_weight)
    batch_size, _ = check_batch_size(model.batch_size, problem.X.shape[0])
    network = batch_penalty_network(
        problem.network, data, batch_size, model.penalty_scaling
    )
    theta, grad = problem.theta.copy(), np.empty_like(problem.theta)
    optimizer = make_optimizer(model.get_params(deep=False), theta, rates[0])
    optimizer.group_learning_rates = getattr(
        network.layout, "group_learning_rates", None
    )
    batches, ws = Batches(*data, batch_size), network.workspace(batch_size, theta.dtype)
    rows = _batch_rows(problem.X.shape[0], batch_size, model.shuffle,
                       problem.random_state)  # fmt: skip
    losses, average, best = [], RunningAverage(beta), np.inf
    for rate in rates:
        # forward and backward
        loss = network.loss_and_gradient(theta, grad, *batches.take(next(rows)), ws)
        smooth = average.update(loss)
        reason = explosion(loss, smooth, best, factor)
        if reason is not None:
            return losses, f"stopped at η = {rate:.3g}: {reason}"
        losses.append(float(loss))
        best = min(best, smooth)
        # update
        set_learning_rate(optimizer, rate)
        optimizer.step(theta, grad)
    return losses, None


@validate_params(
    {
        "estimator": [object],
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        "start": [Interval(Real, 0, None, closed="neither")],
        "stop": [Interval(Real, 0, None, closed="neither")],
        "n_steps": [Interval(Integral, MIN_STEPS, None, closed="left")],
        "rule": [StrOptions(set(RULES))],
        "smoothing": [Interval(Real, 0, 1, closed="left")],
        "diverge_factor": [Interval(Real, 1, None, closed="neither")],
        "sample_weight": ["array-like", None],
        "classes": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def learning_rate_range_test(
    estimator, X, y, *, start=1e-5, stop=10.0, n_steps=200, rule="steepest",
    smoothing=0.9, diverge_factor=4.0, sample_weight=None, classes=None,
):  # fmt: skip
    """Smith's learning-rate range test: sweep η upwards, watch the loss.

    A clone of the estimator (the estimator given is never changed, nor
    fitted) trains for ``n_steps`` mini-batches with its own solver, batch
    size and penalty, while the learning rate grows geometrically from
    ``start`` to ``stop``, ηₖ = start · (stop/start)^(k/(n−1)); the loss of
    each batch (before its update) is recorded, and smoothed by a debiased
    exponential average L̃. The loss first barely moves (η too small), then
    falls, then rises and explodes (η too large): a good learning rate sits on
    the falling part. The sweep stops once L̃ exceeds ``diverge_factor`` times
    its minimum, or the loss is no longer finite.

    The suggestion follows ``rule``:

    - ``"minimum"``: a tenth of the learning rate at the minimum of L̃ (at
      the minimum itself η is already about to make the loss rise);
    - ``"steepest"``: the learning rate where L̃ falls fastest against log η,
      before its minimum.

    Parameters
    ----------
    estimator : ManualMLPClassifier, ManualMLPRegressor or Pipeline
        A model with ``solver="sgd"`` or ``"adam"``, or a pipeline ending in
        one: the pipeline's other steps are fitted once (on clones) and
        transform X, the sweep trains the final estimator.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets.
    start, stop : float, default=1e-5, 10.0
        The first and last learning rates, 0 < start < stop.
    n_steps : int, default=200
        Batches in the sweep, at least 20 (the data is cycled through, epoch
        after epoch, as often as needed).
    rule : {"steepest", "minimum"}, default="steepest"
        How the suggestion is read off the smoothed loss (see above).
    smoothing : float in [0, 1), default=0.9
        β of the exponential average L̃ₖ = mₖ / (1 − βᵏ⁺¹), mₖ = β mₖ₋₁ +
        (1 − β) Lₖ; 0 smooths nothing.
    diverge_factor : float > 1, default=4.0
        The sweep stops once L̃ exceeds this multiple of its minimum.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    classes : array-like, default=None
        All classes, when y lacks some.

    Returns
    -------
    result : LearningRateRangeTest
        ``learning_rates_``, ``losses_``, ``smoothed_losses_``,
        ``suggested_learning_rate``, ``rule``, ``stopped_early`` and
        ``stop_reason``; ``result.plot()`` draws the curve.

    Raises
    ------
    ValueError
        When ``start >= stop``, or the estimator's solver is ``"lbfgs"``.

    Notes
    -----
    The sweep runs one optimizer through every step, so momentum and Adam's
    moments carry on while η changes, as they would in training. The batch
    order comes from the estimator's ``random_state``: one seed, one sweep.

    References
    ----------
    L. N. Smith, "Cyclical learning rates for training neural networks",
    WACV 2017 (the "LR range test").

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skmanualnet import ManualMLPClassifier, learning_rate_range_test
    >>> X, y = make_classification(n_samples=200, random_state=0)
    >>> model = ManualMLPClassifier((16,), batch_size=32, random_state=0)
    >>> result = learning_rate_range_test(model, X, y, n_steps=100)
    >>> bool(result.learning_rates_[0] < result.suggested_learning_rate < 10.0)
    True
    >>> hasattr(model, "coefs_")  # the model given is not fitted
    False
    """
    if not start < stop:
        raise ValueError(
            f"start must be smaller than stop (the sweep goes upwards), got "
            f"start={start!r} and stop={stop!r}."
        )
    _check_estimator(estimator)
    model, problem = inspected_problem(clone(estimator), X, y, sample_weight, classes)
    rates = geometric_rates(start, stop, n_steps)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        losses, reason = sweep(model, problem, rates, smoothing, diverge_factor)
    if not losses:
        raise ValueError(
            f"The loss was not finite at the first step (η = start = {start!r}): "
            "lower start, or scale the data."
        )
    smooth = smoothed_losses(losses, smoothing)
    rates = rates[: len(losses)]
    return LearningRateRangeTest(
        learning_rates=rates,
        losses=losses,
        smoothed_losses=smooth,
        suggested_learning_rate=suggested_rate(rates, smooth, rule),
        rule=RULES[rule],
        stop_reason=reason,
        solver=model.solver,
    )
