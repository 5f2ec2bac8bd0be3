"""Full-batch L-BFGS: scipy's L-BFGS-B on our loss and gradient.

The math (forward, backward, the penalty) stays ours; the quasi-Newton plumbing
is scipy's. A problem in, a result out.
"""

from dataclasses import dataclass, replace

import numpy as np
import scipy.optimize
from sklearn.exceptions import ConvergenceWarning

from .._estimators.params import input_rms, target_rms
from .._heads.losses import l2_penalty
from .caller_warnings import warn
from .divergence import DivergenceError, Suspects, likely_cause
from .problem import full_batch_loss


@dataclass(frozen=True)
class LbfgsResult:
    """Iterations run and the final loss."""

    n_iter: int
    loss: float


@dataclass(frozen=True)
class _Iterate:
    """A completed iteration: its number, θ (float64, as scipy's) and L(θ)."""

    n_iter: int
    x: np.ndarray
    loss: float


def run_lbfgs(problem, max_iter, max_fun, tol, verbose):
    """Minimise L(θ) over all rows of ``problem``, θ (``problem.theta``) updated
    in place; scipy works in float64, the loss and gradient in θ's dtype.

    A Ctrl-C after the first iteration ends the minimisation with a warning,
    θ the last completed iterate and the result its loss; before it, the
    KeyboardInterrupt propagates (the caller undoes the call).
    """
    theta = problem.theta
    loss_and_grad = full_batch_loss(problem)
    last = None  # the last completed iteration, replaced in one assignment

    def objective(x):
        theta[...] = x
        loss, grad = loss_and_grad(theta)
        return loss, grad.astype(np.float64)

    start = theta.astype(np.float64)

    def completed(intermediate_result):
        nonlocal last
        n_iter = 1 if last is None else last.n_iter + 1
        x, loss = intermediate_result.x.copy(), float(intermediate_result.fun)
        last = _Iterate(n_iter, x, loss)

    try:
        result = scipy.optimize.minimize(
            objective,
            start,
            method="L-BFGS-B",
            jac=True,
            callback=completed,
            options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
        )
    except KeyboardInterrupt:
        if last is None:
            raise
        theta[...] = last.x
        warn("Training interrupted by user.", UserWarning)
        return LbfgsResult(n_iter=last.n_iter, loss=last.loss)
    theta[...] = result.x
    if verbose:
        print(f"L-BFGS: {result.nit} iterations, loss = {result.fun:.8f}")
    if not np.isfinite(theta).all() or not np.isfinite(result.fun):
        cause = likely_cause(lbfgs_suspects(problem, start.astype(theta.dtype)))
        raise DivergenceError(f"L-BFGS produced non-finite weights or loss. {cause}")
    if result.status != 0:
        if result.nit >= max_iter:
            limit = f"max_iter={max_iter} iterations"
        elif result.nfev >= max_fun:
            limit = f"max_fun={max_fun} loss evaluations"
        else:
            limit = f"a line-search failure ({result.message})"
        warn(
            f"lbfgs failed to converge: it stopped at {limit}. Increase that "
            "limit or scale the data.",
            ConvergenceWarning,
        )
    return LbfgsResult(n_iter=int(result.nit), loss=float(result.fun))


def lbfgs_suspects(problem, theta):
    """:class:`Suspects` of L-BFGS on all rows of ``problem``, with the penalty
    and data terms of the loss at its starting weights θ."""
    network, s = problem.network, problem.sample_weight
    n_samples = problem.X.shape[0]
    weight_sum = float(n_samples if s is None else s.sum())
    W = network.layout.weights(theta)
    unpenalised = replace(problem, network=replace(network, alpha=0.0))
    with np.errstate(over="ignore", invalid="ignore"):
        data_loss = full_batch_loss(unpenalised)(theta)[0]
        penalty = l2_penalty(W, network.alpha, weight_sum, np.empty_like(W))
    return Suspects(
        alpha=network.alpha,
        weight_sum=weight_sum,
        n_rows=n_samples,
        input_rms=input_rms(problem.X, s),
        target_rms=target_rms(problem.T, s),
        penalty=float(penalty),
        data_loss=float(data_loss),
    )
