"""Full-batch L-BFGS: scipy's L-BFGS-B on our loss and gradient.

The math (forward, backward, the penalty) stays ours; the quasi-Newton plumbing
is scipy's. A problem in, a result out.
"""

from dataclasses import dataclass

import numpy as np
import scipy.optimize
from sklearn.exceptions import ConvergenceWarning

from ._divergence import DivergenceError
from ._problem import full_batch_loss
from ._warnings import warn


@dataclass(frozen=True)
class LbfgsResult:
    """Iterations run and the final loss."""

    n_iter: int
    loss: float


def run_lbfgs(problem, max_iter, max_fun, tol, verbose):
    """Minimise L(θ) over all rows of ``problem``, θ (``problem.theta``) updated
    in place; scipy works in float64, the loss and gradient in θ's dtype."""
    theta = problem.theta
    loss_and_grad = full_batch_loss(problem)

    def objective(x):
        theta[...] = x
        loss, grad = loss_and_grad(theta)
        return loss, grad.astype(np.float64)

    result = scipy.optimize.minimize(
        objective,
        theta.astype(np.float64),
        method="L-BFGS-B",
        jac=True,
        options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
    )
    theta[...] = result.x
    if verbose:
        print(f"L-BFGS: {result.nit} iterations, loss = {result.fun:.8f}")
    if not np.isfinite(theta).all() or not np.isfinite(result.fun):
        raise DivergenceError(
            "L-BFGS produced non-finite weights or loss. Scale X, for example "
            "with sklearn.preprocessing.StandardScaler."
        )
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
