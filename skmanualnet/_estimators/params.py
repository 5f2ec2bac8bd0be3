"""Parameter checks: the constraints the estimators share, the checks that
scikit-learn's constraint machinery cannot express alone, and the value
``learning_rate_init="auto"`` resolves to."""

import os
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.utils import gen_batches
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
)

from .._nn.activations import ACTIVATIONS
from .._nn.init import WEIGHT_INITS
from .._training.schedules import PROGRESS_SCHEDULES
from .activation_param import CustomActivation
from .architecture import ARCHITECTURE_CONSTRAINTS

#: The parameter constraints the classifier and the regressor share (scikit-learn's
#: ``_parameter_constraints``); ``activation`` is resolved layer by layer at fit.
SHARED_CONSTRAINTS = {
    "hidden_layer_sizes": [
        "array-like",
        Interval(Integral, 1, None, closed="left"),
    ],
    "activation": [StrOptions(set(ACTIVATIONS)), CustomActivation, list, tuple],
    "weight_init": [StrOptions(set(WEIGHT_INITS))],
    "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
    "alpha": [Interval(Real, 0, None, closed="left")],
    "weight_decay": [Interval(Real, 0, None, closed="left")],
    "batch_size": [
        StrOptions({"auto"}),
        Interval(Integral, 1, None, closed="left"),
    ],
    "learning_rate": [
        StrOptions({"constant", "invscaling", "adaptive", *PROGRESS_SCHEDULES})
    ],
    "learning_rate_init": [
        StrOptions({"auto"}),
        Interval(Real, 0, None, closed="neither"),
    ],
    "power_t": [Interval(Real, 0, None, closed="left")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "tol": [Interval(Real, 0, None, closed="left")],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "momentum": [Interval(Real, 0, 1, closed="both")],
    "nesterovs_momentum": ["boolean"],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "beta_1": [Interval(Real, 0, 1, closed="left")],
    "beta_2": [Interval(Real, 0, 1, closed="left")],
    "epsilon": [Interval(Real, 0, None, closed="neither")],
    "n_iter_no_change": [
        Interval(Integral, 1, None, closed="left"),
        Options(Real, {np.inf}),
    ],
    "max_fun": [Interval(Integral, 1, None, closed="left")],
    "early_stopping_metric": [StrOptions({"score", "loss"})],
    "penalty_scaling": [StrOptions({"batch", "mean_batch"})],
    **ARCHITECTURE_CONSTRAINTS,
}

#: learning_rate_init='auto' resolves per solver. Adam keeps its usual 1e-3.
#: For SGD with momentum 0.9 and Nesterov, 1e-3 (scikit-learn's default, tuned
#: for adam) barely moves in 200 epochs; 0.05 was measured to match or beat
#: default adam on moons, circles, a linearly separable set, digits, iris,
#: breast cancer and wine, standardized (benchmarks/bench_defaults.py).
AUTO_LEARNING_RATE = {"sgd": 0.05, "adam": 1e-3}  # lbfgs has no learning rate


def row_sums_of_squares(X):
    """‖xᵢ‖² for every row i, in float64. A sparse X is taken a block of rows at
    a time, so that no copy of all its entries is made (duplicate entries of a
    non-canonical matrix are summed before squaring)."""
    if not sparse.issparse(X):
        return np.einsum("ij,ij->i", X, X, dtype=np.float64)
    squares = np.empty(X.shape[0])
    for rows in gen_batches(X.shape[0], 1024):
        block = X[rows]
        squares[rows] = np.ravel(block.multiply(block).sum(axis=1, dtype=np.float64))
    return squares


def dense_row_squares(X):
    """‖xᵢ‖² of a dense X, measured once for the magnitude check and the data
    scale; None for a sparse X (whose check reads its stored entries)."""
    if sparse.issparse(X):
        return None
    with np.errstate(over="ignore"):
        return row_sums_of_squares(X)


def input_rms(X, sample_weight=None, row_squares=None):
    """√κ with κ = Σᵢ sᵢ ‖xᵢ‖² / (d Σᵢ sᵢ): the root mean square entry of X
    (uncentred; for sparse X over the stored entries, without densifying).
    ``row_squares``: ‖xᵢ‖² if already measured (``row_sums_of_squares``)."""
    with np.errstate(over="ignore"):
        squares = row_sums_of_squares(X) if row_squares is None else row_squares
        kappa = np.average(squares, weights=sample_weight) / X.shape[1]
    if not np.isfinite(kappa):  # ‖xᵢ‖² beyond the float range: measure X / max|x|
        values = X.data if sparse.issparse(X) else X
        largest = float(np.abs(values).max())
        return largest * input_rms(X / largest, sample_weight)
    return float(np.sqrt(kappa))


def target_rms(T, sample_weight=None):
    """√(Σᵢ sᵢ Σₖ tᵢₖ² / (K Σᵢ sᵢ)): the root mean square of the targets, the size
    of the first error signals z̄ = y − t of a network whose outputs start near 0."""
    squares = np.square(T, dtype=np.float64).mean(axis=1)
    return float(np.sqrt(np.average(squares, weights=sample_weight)))


def data_scale(X, T, sample_weight=None, row_squares=None):
    """D = max(1, RMS of X) · max(1, RMS of T): what 'auto' divides SGD's η by.

    Every weight gradient W̄ˡ = (aˡ⁻¹)ᵀ Z̄ˡ is a product of an input to a layer
    and an error signal: the first layer's input is X, and the first error
    signals z̄ = y − t are as large as the targets (the outputs start near 0).
    With X → cX (c ≥ 1) the initial weights do not change but every W̄ˡ of a
    relu network grows c-fold, so η / c keeps the first steps ‖ηW̄‖ / ‖W‖ as
    large, relative to the weights, as on standardized X and unit-scale
    targets, where the default was measured. Standardized X and class
    indicators (both RMS ≤ 1) give D = 1. Computed once, by the fresh fit, from
    all the rows it is given (before any early-stopping split), with their
    sample weights; partial_fit and warm start keep it. ``row_squares``:
    ‖xᵢ‖² if already measured.
    """
    if X.shape[0] == 0:
        return 1.0
    return max(1.0, input_rms(X, sample_weight, row_squares)) * max(
        1.0, target_rms(T, sample_weight)
    )


def resolve_learning_rate(learning_rate_init, solver, scale=1.0):
    """η₀: the given float, or for 'auto' the solver's measured default, divided
    by the data scale D (:func:`data_scale`) for sgd.

    Adam, which divides each step by the gradient's own scale, keeps its own.
    """
    if not isinstance(learning_rate_init, str):
        return float(learning_rate_init)
    rate = AUTO_LEARNING_RATE[solver]
    return rate / scale if solver == "sgd" else rate


def check_hidden_layer_sizes(hidden_layer_sizes):
    """The hidden widths as a list of positive ints, or a ValueError naming it."""
    sizes = (
        [hidden_layer_sizes]
        if np.ndim(hidden_layer_sizes) == 0 and not isinstance(hidden_layer_sizes, str)
        else hidden_layer_sizes
    )
    if (
        isinstance(sizes, str)
        or len(sizes) == 0
        or not all(
            isinstance(s, Integral | np.integer) and not isinstance(s, bool) and s >= 1
            for s in sizes
        )
    ):
        raise ValueError(
            "hidden_layer_sizes must be a positive int or a non-empty sequence of "
            f"positive ints (one width per hidden layer), got {hidden_layer_sizes!r}."
        )
    return [int(s) for s in sizes]


def check_batch_size(batch_size, n_samples):
    """B: min(200, n) for 'auto'; an int above n is clipped to n (and a warning)."""
    if batch_size == "auto":
        return min(200, n_samples), None
    if batch_size > n_samples:
        return n_samples, (
            f"batch_size={batch_size} is larger than the number of training "
            f"samples ({n_samples}); it is clipped to {n_samples}."
        )
    return int(batch_size), None


#: Count parameters: sklearn's Interval(Integral) takes a bool for an int.
COUNT_PARAMETERS = ("max_iter", "batch_size", "n_iter_no_change", "max_fun")


def check_no_bool_counts(est):
    """Refuse True / False where a count is expected (max_iter=True is a slip)."""
    for name in COUNT_PARAMETERS:
        value = getattr(est, name)
        if isinstance(value, bool | np.bool_):
            raise InvalidParameterError(
                f"The {name!r} parameter of {type(est).__name__} must be an int in "
                f"the range [1, inf), not a bool. Got {value!r} instead."
            )


def check_weight_decay_solver(est):
    """Decoupled weight decay shrinks W after each optimizer step: lbfgs takes
    no such steps, so weight_decay > 0 needs sgd or adam."""
    weight_decay = getattr(est, "weight_decay", 0.0)
    if weight_decay and est.solver == "lbfgs":
        raise ValueError(
            f"weight_decay={weight_decay!r} needs solver='sgd' or 'adam', not "
            "solver='lbfgs': decoupled weight decay shrinks the weights after "
            "each optimizer step, which L-BFGS does not take. Use alpha (the L2 "
            "penalty in the loss) with lbfgs, or set weight_decay=0."
        )


def check_parameter_combinations(est):
    """What the constraints, one parameter at a time, cannot check: no bool
    for a count, and weight_decay only with a stochastic solver."""
    check_no_bool_counts(est)
    check_weight_decay_solver(est)


def physical_memory():
    """Bytes of physical memory of this machine, or None where it is not known."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not POSIX, or not reported
        return None


def _bytes(n):
    """n bytes in words: 1.5 GB, 88 TB."""
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if n < 1000:
            return f"{n:.3g} {unit}"
        n /= 1000
    return f"{n:.3g} EB"


def check_network_size(hidden_layer_sizes, layout, dtype):
    """Refuse a network (a :class:`~skmanualnet._nn.network.ParameterLayout`) whose
    weights and their gradient alone, the least any fit holds, exceed numpy's
    largest array or this machine's memory."""
    units, n_params = list(layout.layer_units), layout.size
    needed = 2 * n_params * np.dtype(dtype).itemsize
    memory = physical_memory()
    limit = (
        np.iinfo(np.intp).max if memory is None else min(np.iinfo(np.intp).max, memory)
    )
    if needed <= limit:
        return
    where = (
        "numpy's largest array"
        if memory is None or memory > needed
        else (f"this machine's {_bytes(memory)} of memory")
    )
    raise ValueError(
        f"hidden_layer_sizes={hidden_layer_sizes!r}, with {units[0]:.3g} features "
        f"and {units[-1]} output(s), makes a network of {n_params:.3g} parameters "
        f"(layer widths {units}); training it needs at least {_bytes(needed)} (the "
        f"weights and their gradient in {np.dtype(dtype)}), more than {where}. "
        "Use smaller hidden layers (or fewer features)."
    )


def training_rows(estimator, n_samples):
    """(the rows a fit on ``n_samples`` rows trains on, less the held-out
    split, and its batch size; None for lbfgs, which takes them all at once)."""
    n_rows = n_samples
    if estimator.early_stopping:
        n_rows -= int(np.ceil(estimator.validation_fraction * n_rows))
    if estimator.solver == "lbfgs":
        return n_rows, None
    return n_rows, check_batch_size(estimator.batch_size, max(n_rows, 1))[0]
