"""The optimizer of one stochastic call: resumed or new, set for the problem.

A call's optimizer is the fitted one when its settings are unchanged (on a
copy, so that the fitted state stays until the call succeeds), else a new one;
either way it is then given the call's parameter layout, its decoupled weight
decay and the length of its learning-rate schedule.
"""

import copy

from .._training.optimizers import adopt_layout, resume_or_make_optimizer
from .params import resolve_learning_rate, training_rows


def schedule_steps(estimator, n_samples):
    """N = ``max_iter`` × batches per epoch: the batch steps over which a
    schedule that follows the training progress p runs from p = 0 to 1 (the
    rows a fit on ``n_samples`` rows trains on, less its held-out split)."""
    n_rows, batch_size = training_rows(estimator, n_samples)
    return estimator.max_iter * -(-max(n_rows, 1) // batch_size)


def call_optimizer(estimator, previous, problem, call="fit"):
    """The optimizer of ``estimator``'s ``call`` ("fit" or "partial_fit") on
    ``problem``: ``previous`` (the fitted one) copied when its settings are
    unchanged, else a new one for the problem's θ, with η₀ resolved from the
    problem's data scale. A fit starts its schedule at p = 0; partial_fit
    carries it on from where the last call left it."""
    lr = resolve_learning_rate(
        estimator.learning_rate_init, estimator.solver, problem.data_scale
    )
    params = estimator.get_params(deep=False)
    optimizer = resume_or_make_optimizer(previous, params, problem.theta, lr)
    if optimizer is previous:
        optimizer = copy.deepcopy(optimizer)
    adopt_layout(optimizer, problem.network.layout, problem.theta,
                 params.get("weight_decay", 0.0))  # fmt: skip
    steps = schedule_steps(estimator, problem.X.shape[0])
    optimizer.start_schedule(steps, restart=call != "partial_fit")
    return optimizer
