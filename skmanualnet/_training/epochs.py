"""The epoch loop of the stochastic solvers (sgd, adam): a problem in, a history out.

Data flows one way: batches → :func:`~skmanualnet._nn.network.loss_and_gradient`
(forward, backward) → optimizer step. The loop owns the buffers (allocated once
per call, reused by every batch); the math is in ``_nn.network``, the heads and
``optimizers``, the stopping rule in ``stopping``.
"""

import time
from dataclasses import dataclass, field

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import gen_batches

from .._nn.workspace import Batches
from .accelerate import batch_training
from .caller_warnings import warn
from .divergence import DivergenceError, DivergenceGuard, stochastic_explainer


@dataclass(frozen=True)
class EpochSettings:
    """How the epochs run: at most ``max_epochs``, in batches of ``batch_size``
    rows, shuffled or not; ``warn_at_max`` warns when the last epoch is reached
    without the stopping rule firing, and ``stop_on_interrupt`` ends the loop
    on a Ctrl-C once an epoch has completed, instead of letting it reach the
    caller (both not for partial_fit's single epoch)."""

    max_epochs: int
    batch_size: int
    shuffle: bool
    verbose: bool
    warn_at_max: bool
    stop_on_interrupt: bool


@dataclass(frozen=True)
class Epoch:
    """What one epoch recorded: its training loss, and the held-out score and
    loss after it (None without early stopping)."""

    loss: float
    validation_score: float | None = None
    validation_loss: float | None = None


@dataclass
class History:
    """What one call's epochs recorded, epoch by epoch (each :class:`Epoch`
    appended in one step, so that an interrupt never leaves half an epoch), the
    rows of each epoch."""

    epochs: list = field(default_factory=list)
    n_samples: int = 0

    @property
    def n_iter(self):
        """Epochs completed."""
        return len(self.epochs)

    @property
    def samples_seen(self):
        """Training samples seen, summed over the epochs."""
        return self.n_iter * self.n_samples

    @property
    def losses(self):
        """The training loss of each epoch."""
        return [epoch.loss for epoch in self.epochs]

    @property
    def validation_scores(self):
        """The held-out score after each epoch."""
        return [epoch.validation_score for epoch in self.epochs]

    @property
    def validation_losses(self):
        """The held-out loss after each epoch."""
        return [epoch.validation_loss for epoch in self.epochs]


def run_epochs(
    data, network, theta, optimizer, stopping, settings, random_state, callbacks,
    validation=None, samples_seen=0,
):  # fmt: skip
    """Epochs of mini-batch training on ``data = (X, T, s)``, updating θ in place.

    ``stopping`` (a :class:`~skmanualnet._training.stopping.StoppingRule`) watches each
    epoch; ``validation`` (a :class:`~skmanualnet._training.problem.ValidationSet`) is
    scored after each when the rule watches it; ``callbacks`` is told when each
    epoch begins and ends, and may stop the loop. ``samples_seen`` counts the
    samples of earlier calls (for the invscaling schedule). A Ctrl-C after the
    first epoch ends the loop with a warning when ``settings.stop_on_interrupt``
    (θ is kept as the last step left it), else it propagates; divergence raises
    :class:`~skmanualnet.DivergenceError` carrying the history so far, with θ
    as it was at the start of the diverging epoch.
    """
    X, T, s = data
    n_samples = X.shape[0]
    batches = Batches(X, T, s, settings.batch_size)
    ws = network.workspace(settings.batch_size, theta.dtype)
    grad, epoch_start = np.empty_like(theta), np.empty_like(theta)
    training = batch_training(network, optimizer, n_samples, settings)
    explain = stochastic_explainer(data, network, settings.batch_size)
    order, guard = np.arange(n_samples), DivergenceGuard(explain)
    history = History(n_samples=n_samples)
    stopping.start(theta, network.state_arrays())
    try:
        for _ in range(settings.max_epochs):
            callbacks.epoch_begin()
            began = time.perf_counter()
            if settings.shuffle:
                random_state.shuffle(order)
            np.copyto(epoch_start, theta)
            try:
                loss = _epoch(theta, grad, training, batches, order, ws, guard,
                              settings, history.n_iter + 1)  # fmt: skip
            except DivergenceError as error:
                np.copyto(theta, epoch_start)
                error.history = history
                raise
            history.epochs.append(_watch(stopping, theta, loss, validation, network))
            if settings.verbose:
                print(_epoch_line(history, optimizer, time.perf_counter() - began))
            optimizer.epoch_end(samples_seen + history.samples_seen)
            if callbacks.epoch_end() or _rule_stops(stopping, optimizer, settings):
                break
        else:
            if settings.warn_at_max:
                warn(
                    f"Stochastic Optimizer: Maximum iterations ({settings.max_epochs})"
                    " reached and the optimization hasn't converged yet.",
                    ConvergenceWarning,
                )
    except KeyboardInterrupt:
        if not (settings.stop_on_interrupt and history.n_iter):
            raise  # nothing to keep: the caller undoes the call
        warn("Training interrupted by user.", UserWarning)
    stopping.restore_best(theta, network.state_arrays())
    return history


def _epoch(theta, grad, training, batches, order, ws, guard, settings, epoch):
    """One pass over the shuffled rows; returns the mean batch loss per sample.

    ``training`` (from :func:`~skmanualnet._training.accelerate.batch_training`) runs
    each batch's passes and step, on the numpy reference or the fused kernels.
    """
    optimizer = training.optimizer
    training.start_epoch()
    accumulated_loss, n_samples = 0.0, len(order)
    for batch in gen_batches(n_samples, settings.batch_size):
        rows = order[batch] if settings.shuffle else batch
        X_b, T_b, s_b = batches.take(rows)
        if s_b is not None and not s_b.any():
            continue  # a batch whose weights are all 0 has no gradient
        # forward and backward
        loss = training.loss_and_gradient(theta, grad, X_b, T_b, s_b, ws)
        guard.check_loss(loss, epoch, optimizer.learning_rate)
        accumulated_loss += loss * (batch.stop - batch.start)
        # update
        training.step(theta, grad)
    guard.check_weights(theta, epoch, optimizer.learning_rate)
    return accumulated_loss / n_samples


def _watch(stopping, theta, loss, validation, network):
    """The epoch's :class:`Epoch` (scored on the held-out rows when the rule
    watches them), once the stopping rule has been told."""
    if not stopping.validates:
        stopping.update(theta, loss)
        return Epoch(loss)
    score, validation_loss = validation.metrics(network, theta)
    stopping.update(theta, loss, score, validation_loss, network.state_arrays())
    return Epoch(loss, score, validation_loss)


def _rule_stops(stopping, optimizer, settings):
    """True when the stopping rule fired and the optimizer agrees to stop (the
    adaptive schedule lowers η instead, and counting starts afresh)."""
    if not stopping.fired:
        return False
    stop = optimizer.no_improvement()
    if settings.verbose:
        lr = f"Setting learning rate to {optimizer.learning_rate:f}"
        print(stopping.message(), "Stopping." if stop else lr)
    if not stop:
        stopping.restart_count()
    return stop


def _epoch_line(history, optimizer, seconds):
    """One readable verbose line: epoch, losses, validation score, η, time."""
    epoch = history.epochs[-1]
    line = f"Iteration {history.n_iter}, loss = {epoch.loss:.8f}"
    if epoch.validation_score is not None:
        line += (
            f", validation loss = {epoch.validation_loss:.8f}"
            f", validation score = {epoch.validation_score:.4f}"
        )
    return line + f", learning rate = {optimizer.learning_rate:.3g}, {seconds:.3f} s"
