"""The network as a sequence of layers, and θ laid out from their parameters.

Forward, for a batch X and layers f₁ … f_m (the last one gives the logits)::

    x⁰ = X,   xᵏ = fₖ(xᵏ⁻¹),   y = g(xᵐ)

Backward, the same layers in reverse: x̄ᵐ = z̄ᴸ from the output head, then
x̄ᵏ⁻¹ = f̄ₖ(x̄ᵏ) for k = m … 1, each layer writing ∂L/∂(its parameters) into
its slices of ∇θ on the way (the data's own x̄⁰ is never formed). The L2
penalty (α / (2Σs)) Σ_g c_g ‖θ_g‖² covers every parameter group with a decay
multiplier c_g > 0; its groups sit first in θ, so that for a dense network
θ = [W¹ … Wᴸ, b¹ … bᴸ], the layout of :class:`~skmanualnet._nn.network.ParameterLayout`.
"""

import dataclasses
from dataclasses import dataclass

import numpy as np

from .._heads.heads import OutputHead
from .._heads.losses import l2_penalty
from .dense import Dense
from .kernels import scaled_add
from .keyed_uniforms import row_hashes
from .layer import FRESH, PREDICT, Buffers, Context
from .network import batch_weights, remembered_views


class SequenceLayout:
    """Where each layer's parameters live in the flat vector θ.

    The groups that decay come first, layer by layer, then the others; each
    layer's parameters are views of θ (and of ∇θ) by name. ``uniform_decay``
    is True when every decaying group has multiplier 1 (one whole-vector
    penalty, as for a dense network); else ``sqrt_decay`` holds √c_g.
    """

    def __init__(self, layers):
        specs = [(i, p) for i, layer in enumerate(layers) for p in layer.parameters]
        ordered = [s for s in specs if s[1].decay] + [
            s for s in specs if not s[1].decay
        ]
        self._places = [{} for _ in layers]
        offset = 0
        for i, parameter in ordered:
            self._places[i][parameter.name] = (offset, parameter.shape)
            offset += parameter.size
        self.size = offset
        self.n_decayed = sum(p.size for _, p in ordered if p.decay)
        self.decay = np.concatenate(
            [np.full(p.size, p.decay) for _, p in ordered if p.decay] or [[]]
        )
        self.learning_rate = np.concatenate(
            [np.full(p.size, p.learning_rate) for _, p in ordered] or [[]]
        )
        self.uniform_decay = bool(np.all(self.decay == 1.0))
        self.sqrt_decay = None if self.uniform_decay else np.sqrt(self.decay)
        self._views = []  # [(array, views)]: θ and ∇θ, reused every batch
        dense = [layer for layer in layers if isinstance(layer, Dense)]
        self._dense = [i for i, layer in enumerate(layers) if isinstance(layer, Dense)]
        self.layer_units = tuple(
            [dense[0].n_in, *(layer.n_out for layer in dense)] if dense else []
        )

    def unpack_layers(self, theta):
        """The parameters of each layer: a dict of views of θ by name."""
        return [
            {
                name: theta[start : start + int(np.prod(shape))].reshape(shape)
                for name, (start, shape) in places.items()
            }
            for places in self._places
        ]

    def views(self, theta):
        """:meth:`unpack_layers`, remembered for the last two vectors (θ and ∇θ
        in a training loop): a batch does not rebuild them."""
        return remembered_views(self._views, theta, self.unpack_layers)

    def __getstate__(self):
        """The layout without the remembered views (which hold θ and ∇θ)."""
        return {**self.__dict__, "_views": []}

    def unpack(self, theta):
        """Views ``(coefs, intercepts)`` of the dense layers' W and b, as
        scikit-learn names them."""
        params = self.unpack_layers(theta)
        return [params[i]["W"] for i in self._dense], [
            params[i]["b"] for i in self._dense
        ]

    def weights(self, theta):
        """The parameters that decay, as one contiguous vector."""
        return theta[: self.n_decayed]

    @property
    def group_learning_rates(self):
        """ρ, each parameter's learning-rate multiplier, or None when all are 1."""
        if np.all(self.learning_rate == 1.0):
            return None
        return self.learning_rate


@dataclass(frozen=True)
class LayeredNetwork:
    """The layers, θ's layout, the output head and the L2 penalty α.

    ``state`` holds each layer's fitted non-trainable arrays (updated in place
    by training passes); ``random_state`` draws the training passes' noise.
    The penalty of a batch is divided by ``penalty_weight_sum`` when it is set,
    else by the batch's own Σs.
    """

    layers: tuple
    layout: SequenceLayout
    head: OutputHead
    alpha: float
    state: tuple = ()
    random_state: np.random.RandomState | None = None
    penalty_weight_sum: float | None = None

    @classmethod
    def of(cls, layers, head, alpha, dtype, random_state=None):
        """The network of ``layers``, its state as the layers start it."""
        layers = tuple(layers)
        state = tuple(layer.initial_state(dtype) for layer in layers)
        return cls(layers, SequenceLayout(layers), head, alpha, state, random_state)

    #: The compiled kernels cover dense networks only: this one trains on numpy.
    fusable = False

    @property
    def draws(self):
        """True when a layer draws noise in training (keyed to the data rows)."""
        return any(layer.draws for layer in self.layers)

    def penalty_sum(self, weight_sum):
        """What a batch of weight sum Σs divides the penalty α by."""
        if self.penalty_weight_sum is None:
            return weight_sum
        return self.penalty_weight_sum

    def initial_parameters(self, random_state, dtype):
        """θ₀: each layer initialises its own parameters, in sequence order."""
        theta = np.empty(self.layout.size, dtype=dtype)
        for layer, params in zip(
            self.layers, self.layout.unpack_layers(theta), strict=True
        ):
            layer.initialize(params, random_state)
        return theta

    def state_arrays(self):
        """Every layer's fitted arrays beside θ (running statistics, bins), in
        layer order: what early stopping keeps with the best θ."""
        return tuple(array for state in self.state for array in state.values())

    def with_state_copied(self):
        """The same network with its own copy of the state (a continued fit
        trains the copy, so that the fitted state stays until it succeeds)."""
        state = tuple({k: v.copy() for k, v in s.items()} for s in self.state)
        return dataclasses.replace(self, state=state)

    # --- the passes ---------------------------------------------------------

    def forward(self, X, theta, context=PREDICT, record=None):
        """The logits xᵐ, and each layer's cache; a :class:`PassRecord`
        ``record`` keeps each layer's output."""
        x, caches = X, []
        params = self.layout.views(theta)
        for layer, p, state in zip(self.layers, params, self.state, strict=True):
            x, cache = layer.forward(x, p, state, context)
            caches.append(cache)
            if record is not None:
                record.outputs.append(x)
        return x, caches

    def backward(self, z_bar, caches, theta, grad, record=None, buffers=FRESH):
        """x̄ᵏ⁻¹ = f̄ₖ(x̄ᵏ) from k = m down to 1, the parameters' gradients
        written into ``grad``, the rest into arrays of ``buffers``; a
        :class:`PassRecord` ``record`` keeps each layer's x̄ᵏ and x̄ᵏ⁻¹
        (copies: a layer may overwrite its x̄ᵏ)."""
        params, grads = self.layout.views(theta), self.layout.views(grad)
        x_bar = z_bar
        for k in range(len(self.layers) - 1, -1, -1):
            out_bar = None if record is None else x_bar.copy()
            x_bar = self.layers[k].backward(
                x_bar, caches[k], params[k], grads[k], k > 0, buffers
            )
            if record is not None:
                record.errors.append((k, out_bar, _copy(x_bar)))

    def logits(self, X, theta):
        """zᴸ for new data, as prediction computes it (in θ's dtype)."""
        return self.forward(X.astype(theta.dtype, copy=False), theta)[0]

    def penalty(self, theta, weight_sum, buffers=FRESH):
        """(α / (2Σs)) Σ_g c_g ‖θ_g‖² over the groups that decay (``buffers``
        hold the scratch vector, as long as those groups)."""
        W, layout = self.layout.weights(theta), self.layout
        scratch = buffers.empty("penalty", "scratch", W.shape, W.dtype)
        if layout.uniform_decay:
            return l2_penalty(W, self.alpha, weight_sum, scratch)
        W = np.multiply(W, layout.sqrt_decay, out=scratch)
        return l2_penalty(W, self.alpha, weight_sum, scratch)

    def penalty_gradient(self, theta, grad, weight_sum, buffers=FRESH):
        """θ̄_g += (α c_g / Σs) θ_g for the groups that decay."""
        if not self.alpha:
            return
        W, W_bar = self.layout.weights(theta), self.layout.weights(grad)
        factor = self.alpha / weight_sum
        if not self.layout.uniform_decay:
            factor = factor * self.layout.decay
        scaled_add(
            W_bar, factor, W, buffers.empty("penalty", "scratch", W.shape, W.dtype)
        )

    def workspace(self, n_rows, dtype, keep_all=False, fixed_noise=False):
        """The training passes' :class:`SequenceWorkspace`; with ``fixed_noise``
        every pass draws the same noise (a deterministic loss, for finite
        differences)."""
        return SequenceWorkspace(self.random_state, fixed_noise)

    def loss_and_gradient(self, theta, grad, X, T, sample_weight, ws, clip=True,
                          record=None):  # fmt: skip
        """L(θ) of one training batch (the head's data term plus the penalty),
        and ∇L(θ) written into ``grad``; ``ws`` is the :meth:`workspace`, or a
        :class:`~skmanualnet._nn.layer.Context`. A :class:`PassRecord`
        ``record`` keeps the passes' intermediates (for the trace)."""
        w, weight_sum = batch_weights(sample_weight, X.shape[0])
        row_weights = None if sample_weight is None else w
        row_keys = row_hashes(X) if self.draws else None
        if isinstance(ws, Context):
            context = ws
        else:
            context = ws.context(row_weights, row_keys)
        if record is not None:  # what the record keeps must outlive the pass
            context = dataclasses.replace(context, buffers=FRESH)
        buffers, penalty_sum = context.buffers, self.penalty_sum(weight_sum)
        # forward
        z, caches = self.forward(X, theta, context, record)
        y, log_y, z_bar = (
            buffers.empty("head", name, z.shape, z.dtype)
            for name in ("y", "log_y", "z_bar")
        )
        loss, y = self.head.loss(z, T, w, y, log_y, clip)
        loss += self.penalty(theta, penalty_sum, buffers)
        # backward
        z_bar = self.head.error(y, T, w, out=z_bar)
        if record is not None:
            record.caches, record.y = caches, y
        self.backward(z_bar, caches, theta, grad, record, buffers)
        self.penalty_gradient(theta, grad, penalty_sum, buffers)
        return loss


def _copy(array):
    return None if array is None else array.copy()


@dataclass
class PassRecord:
    """What one training pass of a :class:`LayeredNetwork` computed, kept for
    :func:`~skmanualnet.trace_step`: each layer's output xᵏ and cache in
    computation order, the head's output y, and (k, x̄ᵏ, x̄ᵏ⁻¹) for each layer
    k = m … 1 of the backward pass (k from 0 here; x̄ of the first layer's
    input is None: the data's error is never formed).

    The outputs and caches are the layers' own arrays (a cache entry that is
    a layer's input is the previous output itself: nothing writes into them
    after the forward pass); the error signals are copies, as a layer's
    backward may overwrite the x̄ᵏ it is handed."""

    outputs: list = dataclasses.field(default_factory=list)
    caches: list = dataclasses.field(default_factory=list)
    y: np.ndarray | None = None
    errors: list = dataclasses.field(default_factory=list)


class SequenceWorkspace:
    """What the training passes of a :class:`LayeredNetwork` share: the
    context of a training pass, whose noise comes from ``random_state``, or
    from the same seed at every pass when ``fixed_noise``, and whose arrays
    are the same :class:`~skmanualnet._nn.layer.Buffers` at every pass."""

    def __init__(self, random_state, fixed_noise=False):
        self._random_state = random_state
        self.buffers = Buffers()
        self._seed = None
        if fixed_noise and random_state is not None:
            self._seed = random_state.randint(np.iinfo(np.int32).max)

    def context(self, row_weights=None, row_keys=None):
        """The :class:`~skmanualnet._nn.layer.Context` of the next pass, whose
        rows weigh ``row_weights`` (None: equally) and draw by ``row_keys``."""
        random_state = self._random_state
        if self._seed is not None:
            random_state = np.random.RandomState(self._seed)
        return Context(True, random_state, row_weights, row_keys, self.buffers)
