"""Stochastic optimizers on the flat parameter vector θ, and learning-rate schedules.

The updates::

    plain SGD:   W ← W − η W̄
    momentum:    v ← μ v − η W̄ ;  W ← W + v
    Nesterov:    v ← μ v − η W̄ ;  W ← W + μ v − η W̄
    adam:        m ← β₁m + (1−β₁)W̄ ;  v ← β₂v + (1−β₂)W̄² ;
                 W ← W − η √(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε)

Each step is a handful of whole-vector operations into preallocated scratch
vectors: no per-layer Python loop and no new array per batch. A network whose
parameter groups carry learning-rate multipliers ρ_g sets the optimizer's
``group_learning_rates`` (ρ, one entry per entry of θ): each step Δθ is then
ρ ⊙ Δθ, η_g = ρ_g η for SGD (ρ scales η W̄) and for Adam (ρ scales the step).

Two more pieces of a training recipe, the same for both optimizers: a
schedule that follows the training progress (``schedules``: η = η₀ s(p), p
advanced at every step), and decoupled weight decay (AdamW, SGDW): after each
step, the weights W (the groups that decay, first in θ) shrink by
W ← W − η λ W, with η the step's scheduled learning rate (before Adam's bias
correction), apart from the L2 penalty α in the loss.
"""

import numpy as np

from .schedules import PROGRESS_SCHEDULES, TrainingProgress

#: The adaptive schedule stops once the learning rate has fallen to this value.
MIN_ADAPTIVE_LEARNING_RATE = 1e-6


def invscaling_rate(learning_rate_init, samples_seen, power_t):
    """η = η₀ / (t + 1)^power_t, in floats (an int power_t would be raised
    exactly), and 0 once (t + 1)^power_t is beyond the float range."""
    try:
        decay = float(samples_seen + 1) ** float(power_t)
    except OverflowError:
        return 0.0
    return learning_rate_init / decay


def scale_by_group(step, optimizer):
    """Δθ ← ρ ⊙ Δθ: each parameter group's learning-rate multiplier ρ_g, when
    the optimizer was given them (``group_learning_rates``, None: all 1)."""
    rates = getattr(optimizer, "group_learning_rates", None)
    if rates is not None:
        step *= rates
    return step


def decoupled_decay(W, learning_rate, weight_decay, rates=None):
    """W ← W − η λ r ⊙ W: decoupled weight decay, in place, after a step.

    r is each weight's multiplier c_g ρ_g (its group's decay and learning-rate
    multipliers; None: all 1). The step's gradient never sees λ: unlike the
    L2 penalty, the shrinkage is not rescaled by Adam's √v.
    """
    shrink = learning_rate * weight_decay
    if rates is None:
        W -= shrink * W
    else:
        W -= (shrink * rates) * W
    return W


class _Recipe(TrainingProgress):
    """What both optimizers share: the progress p of the learning-rate
    schedules that follow it, and decoupled weight decay λ on the first
    ``n_decayed`` entries of θ (set by :func:`adopt_layout`)."""

    weight_decay = 0.0
    n_decayed = 0
    decay_rates = None

    def _progress_rate(self, schedule):
        """η₀ s(p) of the step about to be taken, p advanced by one step; None
        for a schedule that does not follow the progress."""
        rate = PROGRESS_SCHEDULES.get(schedule)
        if rate is None:
            return None
        return rate(self.learning_rate_init, self.tick_progress())

    def decay_weights(self, theta):
        """W ← W − η λ r ⊙ W after the step (:func:`decoupled_decay`); True
        when it changed θ."""
        if not self.weight_decay:
            return False
        decoupled_decay(theta[: self.n_decayed], self.scheduled_learning_rate,
                        self.weight_decay, self.decay_rates)  # fmt: skip
        return True


class _Scratch:
    """Scratch vectors are workspace, not state: they are not pickled (nor deep
    copied) and are made again, from the shape of ``_state_vector``, on load."""

    _SCRATCH = ()

    def _make_scratch(self, like):
        for name in self._SCRATCH:
            setattr(self, name, np.empty_like(like))

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in self._SCRATCH}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._make_scratch(getattr(self, self._state_vector))


class SGD(_Recipe):
    """Mini-batch SGD with (Nesterov) momentum and a learning-rate schedule.

    Parameters
    ----------
    n_params : int
        Length of θ.
    dtype : dtype
        Dtype of θ (float32 stays float32).
    learning_rate_init : float
        η at the start.
    schedule : {"constant", "invscaling", "adaptive", "cosine", "flat_cosine", \
            "cosine_restarts"}
        constant: η fixed; invscaling: η = η₀ / (t + 1)^power_t after each epoch,
        t the number of samples seen; adaptive: η ← η / 5 each time the stopping
        rule fires, until η ≤ 1e-6; the others: η = η₀ s(p) at every step
        (``schedules``).
    momentum : float
        μ.
    nesterov : bool
        Use Nesterov's momentum.
    power_t : float
        Exponent of the invscaling schedule.
    """

    def __init__(
        self, n_params, dtype, learning_rate_init, schedule, momentum, nesterov, power_t
    ):
        self.learning_rate_init = float(learning_rate_init)
        self.learning_rate = float(learning_rate_init)
        self.schedule = schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        # μ v, the part of the next step that momentum carries over: kept
        # instead of v so that a step needs no vector beyond θ, W̄ and this one
        self.carried = np.zeros(n_params, dtype=dtype)

    @property
    def scheduled_learning_rate(self):
        """η of the current step (what decoupled weight decay multiplies)."""
        return self.learning_rate

    def advance(self):
        """η of the step about to be taken: η₀ s(p) for a schedule that follows
        the progress p (p advanced by one step), else η as the epochs left it."""
        rate = self._progress_rate(self.schedule)
        if rate is not None:
            self.learning_rate = rate
        return self.learning_rate

    def step(self, theta, grad):
        """v ← μ v − η W̄, then W ← W + v, or W ← W + μ v − η W̄ (Nesterov).

        With c = μ v carried over from the last step: v = c − η W̄; then the
        decoupled weight decay, if any. ``grad`` is used as scratch (it holds
        η W̄ afterwards).
        """
        c, lr_grad = self.carried, grad
        lr_grad *= self.advance()
        scale_by_group(lr_grad, self)
        c -= lr_grad  # c is now v, the new velocity
        if self.nesterov:
            c *= self.momentum  # μ v
            theta -= lr_grad
            theta += c  # W + μ v − η W̄
        else:
            theta += c  # W + v
            c *= self.momentum
        self.decay_weights(theta)

    def epoch_end(self, samples_seen):
        """η = η₀ / (t + 1)^power_t for the invscaling schedule."""
        if self.schedule == "invscaling":
            self.learning_rate = invscaling_rate(
                self.learning_rate_init, samples_seen, self.power_t
            )

    def no_improvement(self):
        """The stopping rule fired: return True to stop, or lower η (adaptive)."""
        if (
            self.schedule != "adaptive"
            or self.learning_rate <= MIN_ADAPTIVE_LEARNING_RATE
        ):
            return True
        self.learning_rate /= 5.0
        return False


class Adam(_Recipe, _Scratch):
    """Adam (Kingma & Ba) with bias correction folded into the step size.

    Parameters
    ----------
    n_params : int
        Length of θ.
    dtype : dtype
        Dtype of θ.
    learning_rate_init : float
        η.
    beta_1, beta_2 : float
        Decay rates of the first and second moment estimates.
    epsilon : float
        ε, added to √v.
    schedule : str, default="constant"
        A schedule that follows the training progress (``schedules``), or any
        other value for a constant η (scikit-learn's epoch-level schedules
        are for SGD only).
    """

    _SCRATCH = ("_scratch",)
    _state_vector = "m"

    def __init__(self, n_params, dtype, learning_rate_init, beta_1, beta_2, epsilon,
                 schedule="constant"):  # fmt: skip
        self.learning_rate_init = float(learning_rate_init)
        self.learning_rate = float(learning_rate_init)
        #: η₀ s(p) of the current step, before the bias corrections
        self.scheduled_learning_rate = float(learning_rate_init)
        self.schedule = schedule
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.t = 0
        self.m = np.zeros(n_params, dtype=dtype)
        self.v = np.zeros(n_params, dtype=dtype)
        self._make_scratch(self.m)

    def step(self, theta, grad):
        """m ← β₁m + (1−β₁)W̄, v ← β₂v + (1−β₂)W̄², W ← W − η_t m / (√v + ε).

        Then the decoupled weight decay, if any. ``grad`` is used as scratch:
        it holds the step taken afterwards.
        """
        b1, b2, scratch, step = self.beta_1, self.beta_2, self._scratch, grad
        learning_rate = self.advance()
        self.v *= b2
        np.square(grad, out=scratch)
        scratch *= 1 - b2
        self.v += scratch
        self.m *= b1
        grad *= 1 - b1
        self.m += grad
        np.sqrt(self.v, out=scratch)
        scratch += self.epsilon
        np.multiply(self.m, -learning_rate, out=step)
        step /= scratch
        scale_by_group(step, self)
        theta += step
        self.decay_weights(theta)

    def advance(self):
        """t ← t + 1 and η_t = η √(1 − β₂ᵗ) / (1 − β₁ᵗ): the step size of step t,
        the bias corrections of m and v folded in (kept as ``learning_rate``);
        η = η₀ s(p) under a schedule that follows the progress p, else η₀."""
        self.t += 1
        b1, b2 = self.beta_1, self.beta_2
        rate = self._progress_rate(self.schedule)
        self.scheduled_learning_rate = self.learning_rate_init if rate is None else rate
        self.learning_rate = (
            self.scheduled_learning_rate * np.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        )
        return self.learning_rate

    def epoch_end(self, samples_seen):
        """Adam has no epoch-level schedule."""

    def no_improvement(self):
        """The stopping rule fired: Adam always stops."""
        return True


#: The settings an optimizer's state depends on: a change of any starts it afresh.
SETTINGS = (
    "solver",
    "learning_rate_init",
    "learning_rate",
    "momentum",
    "nesterovs_momentum",
    "power_t",
    "beta_1",
    "beta_2",
    "epsilon",
)


def make_optimizer(params, theta, learning_rate_init):
    """The optimizer named by ``params["solver"]``, with zero state for θ."""
    if params["solver"] == "sgd":
        return SGD(
            theta.size,
            theta.dtype,
            learning_rate_init,
            params["learning_rate"],
            params["momentum"],
            params["nesterovs_momentum"],
            params["power_t"],
        )
    return Adam(
        theta.size,
        theta.dtype,
        learning_rate_init,
        params["beta_1"],
        params["beta_2"],
        params["epsilon"],
        params["learning_rate"],
    )


def resume_or_make_optimizer(previous, params, theta, learning_rate_init):
    """``previous`` when its settings are unchanged (partial_fit, warm start:
    velocities, moments, step count and learning rate carry on), else a new
    optimizer with zero state. ``params`` are the estimator's parameters."""
    settings = tuple(params[name] for name in SETTINGS)
    settings += (theta.size, theta.dtype.str)
    if previous is not None and getattr(previous, "settings", None) == settings:
        return previous
    optimizer = make_optimizer(params, theta, learning_rate_init)
    optimizer.settings = settings
    return optimizer


def adopt_layout(optimizer, layout, theta, weight_decay=0.0):
    """The optimizer set for θ's layout: ρ, each entry's learning-rate
    multiplier (``group_learning_rates``, None: all 1), and for decoupled
    weight decay λ, the weights that decay (θ's first ``n_decayed`` entries,
    ``layout.weights``) with their multipliers c_g ρ_g (``decay_rates``,
    None: all 1)."""
    rho = getattr(layout, "group_learning_rates", None)
    optimizer.group_learning_rates = rho
    optimizer.weight_decay = float(weight_decay)
    optimizer.n_decayed = layout.weights(theta).size
    rates = None
    if weight_decay and not getattr(layout, "uniform_decay", True):
        rates = layout.decay
    if weight_decay and rho is not None:
        rho = rho[: optimizer.n_decayed]
        rates = rho if rates is None else rates * rho
    optimizer.decay_rates = rates
    return optimizer
