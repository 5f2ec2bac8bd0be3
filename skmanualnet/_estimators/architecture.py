"""The layers an estimator's parameters ask for, and the network they make.

The parameters ``categorical_features``, ``dropout``, ``normalization``,
``input_scale``, ``input_embedding`` (with ``embedding_size``) and
``parametric_activation`` add layers to the dense network; at their
defaults the estimator trains today's dense network
(:class:`~skmanualnet._nn.network.Network`) bit for bit.
Otherwise the network is the sequence (:mod:`skmanualnet._nn`)::

    [category embedding] → [scale] → [embedding]
      → (dense → [normalisation] → activation → [dropout]) × hidden → dense
"""

from dataclasses import dataclass, replace
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.utils._param_validation import Interval, StrOptions

from .._nn.activation import ActivationLayer
from .._nn.batch_norm import BatchNorm
from .._nn.category_embedding import CategoryEmbedding
from .._nn.dense import Dense
from .._nn.dropout import Dropout, check_rate
from .._nn.layer_norm import LayerNorm
from .._nn.parametric_activation import ParametricActivation
from .._nn.periodic_embedding import PeriodicEmbedding
from .._nn.piecewise_linear_embedding import PiecewiseLinearEmbedding, quantile_edges
from .._nn.scale import Scale
from .._nn.sequence import LayeredNetwork

NORMALIZATIONS = {"batch": BatchNorm, "layer": LayerNorm}
#: σ of the periodic embedding's initial frequencies (RealMLP's choice too).
PERIODIC_SIGMA = 0.1
EMBEDDINGS = ("periodic", "piecewise_linear")

#: scikit-learn parameter constraints of the layer options.
ARCHITECTURE_CONSTRAINTS = {
    "dropout": [Interval(Real, 0, 1, closed="left"), list, tuple],
    "normalization": [StrOptions(set(NORMALIZATIONS)), None],
    "input_scale": ["boolean"],
    "input_embedding": [StrOptions(set(EMBEDDINGS)), None],
    "embedding_size": [Interval(Integral, 1, None, closed="left")],
    "parametric_activation": ["boolean"],
    "categorical_features": ["array-like", None],
}


@dataclass(frozen=True)
class Architecture:
    """The layer options, resolved: one dropout rate per hidden layer."""

    dropout: tuple
    normalization: str | None = None
    input_scale: bool = False
    input_embedding: str | None = None
    embedding_size: int = 16
    parametric_activation: bool = False
    categorical_features: tuple = ()

    @property
    def dense(self):
        """True when no option adds a layer: the dense network, bit for bit."""
        return not (
            self.categorical_features
            or any(self.dropout)
            or self.normalization
            or self.input_scale
            or self.input_embedding
            or self.parametric_activation
        )


def resolve_architecture(estimator, n_hidden, n_features):
    """The :class:`Architecture` of ``estimator``'s parameters for ``n_hidden``
    hidden layers and ``n_features`` input columns; a per-layer ``dropout``
    of the wrong length, or a rate outside [0, 1), is refused naming the
    parameter."""
    dropout = estimator.dropout
    if isinstance(dropout, list | tuple):
        if len(dropout) != n_hidden:
            raise ValueError(
                f"dropout={dropout!r} gives {len(dropout)} rate(s) for "
                f"{n_hidden} hidden layer(s) (hidden_layer_sizes="
                f"{estimator.hidden_layer_sizes!r}): give one rate in [0, 1) per "
                "hidden layer, or a single rate for all."
            )
        rates = tuple(check_rate(rate) for rate in dropout)
    else:
        rates = (float(dropout),) * n_hidden
    return Architecture(
        dropout=rates,
        normalization=estimator.normalization,
        input_scale=bool(estimator.input_scale),
        input_embedding=estimator.input_embedding,
        embedding_size=int(estimator.embedding_size),
        parametric_activation=bool(estimator.parametric_activation),
        categorical_features=category_columns(
            estimator.categorical_features, n_features
        ),
    )


def category_columns(categorical_features, n_features):
    """The indices of the columns ``categorical_features`` names (indices, or
    a boolean mask of the ``n_features`` columns), sorted; () for None."""
    if categorical_features is None:
        return ()
    given = np.asarray(categorical_features)
    if given.dtype == bool and given.ndim == 1 and given.size == n_features:
        return tuple(int(j) for j in np.flatnonzero(given))
    whole = given.ndim == 1 and np.issubdtype(given.dtype, np.integer)
    if given.size == 0 or not whole or not np.all((0 <= given) & (given < n_features)):
        raise ValueError(
            f"categorical_features={categorical_features!r} must name columns of "
            f"X: distinct indices in [0, {n_features}), or a boolean mask of "
            f"length {n_features}."
        )
    if len(set(given.tolist())) != given.size:
        raise ValueError(
            f"categorical_features={categorical_features!r} names a column twice."
        )
    return tuple(sorted(int(j) for j in given))


def category_counts(X, columns):
    """n_j = 1 + the largest code in column j of the training rows: the known
    categories of each categorical column (negative codes are missing). A
    code must be a whole number; anything else is refused."""
    counts = []
    for j in columns:
        codes = X[:, j]
        if not np.all(np.floor(codes) == codes):
            raise ValueError(
                f"Column {j} of X is in categorical_features but holds "
                f"{float(codes[np.floor(codes) != codes][0])!r}: categorical columns "
                "hold category codes 0, 1, 2, … (negative for missing), as "
                "sklearn.preprocessing.OrdinalEncoder writes them."
            )
        counts.append(max(int(codes.max(initial=-1)) + 1, 1))
    return counts


def transforms_each_feature(estimator):
    """True when an option reads X column by column (dense X only)."""
    return bool(
        estimator.input_scale
        or estimator.input_embedding
        or estimator.categorical_features is not None
    )


def check_architecture(architecture, X, solver, n_rows, batch_size):
    """Refuse what the layers cannot train on: input layers on sparse X,
    dropout under L-BFGS, batch normalisation on batches of one row."""
    per_feature = (
        architecture.input_scale
        or architecture.input_embedding
        or architecture.categorical_features
    )
    if sparse.issparse(X) and per_feature:
        option = (
            f"input_embedding={architecture.input_embedding!r}"
            if architecture.input_embedding
            else "input_scale=True"
            if architecture.input_scale
            else "categorical_features"
        )
        raise ValueError(
            f"{option} transforms each feature of a dense X; got a sparse matrix. "
            "Pass X.toarray(), or leave the option at its default."
        )
    if architecture.categorical_features and (
        architecture.input_embedding == "piecewise_linear"
    ):
        raise ValueError(
            "input_embedding='piecewise_linear' bins each column at the training "
            "rows' quantiles, but with categorical_features the columns after "
            "the category embedding are learned: use input_embedding='periodic' "
            "or None with categorical_features."
        )
    if solver == "lbfgs" and any(architecture.dropout):
        raise ValueError(
            f"dropout={architecture.dropout!r} draws a new mask at every pass, "
            "but solver='lbfgs' needs the same loss at every evaluation: use "
            "solver='adam' or 'sgd' with dropout, or set dropout=0."
        )
    if architecture.normalization == "batch":
        if n_rows < 2 or (batch_size is not None and n_rows % batch_size == 1):
            raise ValueError(
                "normalization='batch' needs at least 2 rows in every training "
                f"batch, but {n_rows} training rows in batches of batch_size="
                f"{batch_size} leave a batch of 1 sample. Change batch_size, or "
                "use normalization='layer'."
            )


def input_layers(architecture, X, sample_weight=None, fitted=None):
    """The layers before the first dense one, and the width they hand it; the
    piecewise-linear bins are the quantiles of X, or those of the ``fitted``
    network that a continued fit carries on (weighted by ``sample_weight``)."""
    layers, width = [], X.shape[1]
    if architecture.categorical_features:
        layers.append(category_layer(architecture, X, fitted))
        width = layers[-1].n_out
    if architecture.input_scale:
        layers.append(Scale(width))
    if architecture.input_embedding == "periodic":
        # frequencies ~ N(0, 0.1²): on standardised inputs a unit step turns
        # the phase by about 0.6 rad, smooth enough to fit at first and sharp
        # enough to learn (σ = 1, 10 times as fast, fails to fit scaled blobs)
        layers.append(
            PeriodicEmbedding(width, architecture.embedding_size, sigma=PERIODIC_SIGMA)
        )
    elif architecture.input_embedding == "piecewise_linear":
        fitted_bins = [
            layer for layer in getattr(fitted, "layers", ())
            if isinstance(layer, PiecewiseLinearEmbedding)
        ]  # fmt: skip
        edges = (
            fitted_bins[0].edges
            if fitted_bins
            else quantile_edges(X, architecture.embedding_size, sample_weight)
        )
        layers.append(PiecewiseLinearEmbedding(edges))
    return layers, (layers[-1].n_out if layers else width)


def category_layer(architecture, X, fitted=None):
    """The category embedding of the categorical columns: as many known
    categories as the training rows' codes show, or as the ``fitted`` network
    a continued fit carries on knows."""
    columns = architecture.categorical_features
    known = [
        layer.n_categories for layer in getattr(fitted, "layers", ())
        if isinstance(layer, CategoryEmbedding)
    ]  # fmt: skip
    counts = known[0] if known else category_counts(X, columns)
    return CategoryEmbedding(X.shape[1], columns, counts, architecture.embedding_size)


def hidden_block(architecture, n_in, n_out, activation, rate, weight_init):
    """dense → [normalisation] → activation → [dropout]: one hidden layer."""
    layers = [Dense(n_in, n_out, weight_init, activation.name)]
    if architecture.normalization:
        layers.append(NORMALIZATIONS[architecture.normalization](n_out))
    kind = (
        ParametricActivation if architecture.parametric_activation else ActivationLayer
    )
    layers.append(kind(n_out, activation))
    if rate:
        layers.append(Dropout(n_out, rate))
    return layers


def layered_network(architecture, dense, X, sample_weight, weight_init, *, solver,
                    rows, fitted=None, continues=None):  # fmt: skip
    """The :class:`~skmanualnet._nn.sequence.LayeredNetwork` of the options,
    with the widths, activations, head and penalty of the ``dense`` network
    they extend, for training rows X (the piecewise-linear bins are their
    weighted quantiles), or continuing the ``fitted`` one (its bins and a copy
    of its state). The options are checked against X, the ``solver`` and
    ``rows = (training rows, batch size)`` first, and the layers against those
    of the network a continued fit ``continues``."""
    check_architecture(architecture, X, solver, *rows)
    *hidden, n_outputs = dense.layout.layer_units[1:]
    activations = dense.activations
    layers, width = input_layers(architecture, X, sample_weight, fitted)
    for n_out, activation, rate in zip(
        hidden, activations, architecture.dropout, strict=True
    ):
        layers += hidden_block(
            architecture, width, n_out, activation, rate, weight_init
        )
        width = n_out
    layers.append(Dense(width, n_outputs, weight_init, activations[-1].name))
    network = LayeredNetwork.of(layers, dense.head, dense.alpha, X.dtype)
    if fitted is not None:
        fitted_state = [state for state in fitted.state if state]
        for state in (state for state in network.state if state):
            for name, array in fitted_state.pop(0).items():
                state[name] = array.astype(X.dtype, copy=True)
    if continues is not None:
        check_same_layers(continues, network)
    return network


def with_noise(network, architecture, random_state):
    """The network drawing its dropout masks from a generator seeded by the
    fit's ``random_state`` (which is drawn from only when there is dropout)."""
    if not any(architecture.dropout):
        return network
    seed = random_state.randint(np.iinfo(np.int32).max)
    return replace(network, random_state=np.random.RandomState(seed))


def signature(network):
    """What a continued fit must find unchanged: each layer that has parameters
    or state, with their shapes (a dense network's are its dense layers)."""
    if not hasattr(network, "layers"):
        shapes = network.layout.coef_shapes
        return [("dense", (shape, shape[1:])) for shape in shapes]
    return [
        (layer.name, tuple(p.shape for p in layer.parameters))
        for layer in network.layers
        if layer.parameters or layer.initial_state(np.float64)
    ]


def check_same_layers(fitted, network):
    """A continued fit trains the fitted parameters: the layers that hold them
    must stay (dropout may change, as it has none)."""
    before, now = signature(fitted), signature(network)
    if before != now:
        raise ValueError(
            "The layers asked for by the parameters (dropout, normalization, "
            "input_scale, input_embedding, embedding_size, parametric_activation) "
            f"hold parameters {[name for name, _ in now]} but the fitted network "
            f"holds {[name for name, _ in before]}, or of other shapes: warm_start "
            "and partial_fit continue from the fitted parameters. Set "
            "warm_start=False (or refit) to train a new network."
        )
