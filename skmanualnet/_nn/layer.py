"""The layer protocol: a forward/backward pair that reads as one derivation.

A layer maps its input x (a batch of B rows) to its output; its backward pass
takes the error signal ā = ∂L/∂(output) and returns x̄ = ∂L/∂x, writing the
gradients of its own parameters into their slices of ∇θ on the way::

    out, cache = layer.forward(x, params, state, context)
    x_bar = layer.backward(out_bar, cache, params, grads, need_x_bar)

``params`` and ``grads`` map each parameter's name to its view of θ and of ∇θ
(shapes as :attr:`Layer.parameters` declares them); ``state`` maps the names
of the layer's fitted non-trainable arrays (running statistics, bin edges) to
arrays a training forward may update in place; ``cache`` is what the backward
pass needs, a dict of named arrays (ā may be overwritten by the backward
pass: nothing reads it after), which :func:`~skmanualnet.trace_step`
also shows. Layers hold no per-batch state, so that one network can serve
concurrent predictions.

Where a layer's arrays live is the caller's: a layer asks the context's
:class:`Buffers` (forward) or the ``buffers`` it is handed (backward) for
each array it writes, by name. A training loop hands every pass the same
:class:`Buffers`, so that batch after batch the layer writes into the arrays
of the batch before (nothing of a pass is read after the next one starts);
prediction, the trace and a layer called by itself get :data:`FRESH`, a new
array at every request::

    x_bar = layer.backward(out_bar, cache, params, grads, need_x_bar, buffers)
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Parameter:
    """One trainable array of a layer: its name, shape and group multipliers.

    ``decay`` multiplies the L2 penalty α on it (1 for weight matrices, 0 for
    biases and normalisation parameters, as scikit-learn leaves biases
    unpenalised); ``learning_rate`` multiplies the step size η on it.
    """

    name: str
    shape: tuple
    decay: float = 0.0
    learning_rate: float = 1.0

    @property
    def size(self):
        """The number of entries, ∏ shape."""
        return int(np.prod(self.shape, dtype=np.int64))


#: The owner of the scratch arrays that all layers share: what a layer needs
#: only while one of its calls runs (what it returns or keeps in its cache is
#: its own, asked for with the layer as owner).
SHARED = "shared"


class Buffers:
    """The arrays that the passes of one fit reuse, batch after batch: one per
    (owner, name, shape, dtype), made at its first request (a batch loop sees
    at most two batch sizes); the owner :data:`SHARED` lends scratch to every
    layer."""

    def __init__(self):
        self._arrays = {}

    def empty(self, owner, name, shape, dtype):
        """The array ``name`` of ``owner`` (a layer), of ``shape`` and ``dtype``:
        the same one at every request, holding what the last pass wrote."""
        key = (owner, name, shape, dtype)
        array = self._arrays.get(key)
        if array is None:
            array = self._arrays[key] = np.empty(shape, dtype)
        return array


class FreshArrays:
    """:class:`Buffers` that keep nothing: a new array at every request."""

    def empty(self, owner, name, shape, dtype):
        """A new uninitialised array of ``shape`` and ``dtype``."""
        return np.empty(shape, dtype)


#: New arrays at every request: the passes of prediction, of the trace, and
#: of a layer called by itself.
FRESH = FreshArrays()


@dataclass(frozen=True)
class Context:
    """How a forward pass runs: in ``training`` or not, with ``random_state``
    drawing what a training pass draws (dropout masks), and the batch's row
    weights ω = s / Σs as a (B, 1) column (None: every row weighs 1 / B), by
    which batch statistics weigh the rows, so that a row of weight k is k
    copies of it; ``row_keys``, one 64-bit word per data row, equal for equal
    rows, key the noise drawn for each row (None: drawn row by row);
    ``buffers`` hold the arrays the pass writes (:data:`FRESH`: new ones)."""

    training: bool = False
    random_state: np.random.RandomState | None = None
    row_weights: np.ndarray | None = None
    row_keys: np.ndarray | None = None
    buffers: Buffers | FreshArrays = FRESH


#: The forward pass of prediction: no noise, running statistics.
PREDICT = Context(training=False)


class Layer:
    """A layer of the network: ``n_in`` inputs per row to ``n_out`` outputs.

    Subclasses define :meth:`forward` and :meth:`backward`, and where they have
    them :attr:`parameters`, :meth:`initialize` and :meth:`initial_state`.
    Each also binds its module's loop-by-loop reference, two functions of the
    layer written with explicit loops over rows and units (the derivation,
    one scalar at a time), as the methods :meth:`reference_forward` and
    :meth:`reference_backward`::

        reference_forward = reference_forward      # in the class body
        reference_backward = reference_backward
    """

    #: The layer's name in the registry and in traces.
    name = "layer"
    #: True for a layer whose training pass draws noise (keyed to the rows).
    draws = False
    n_in: int
    n_out: int

    @property
    def parameters(self):
        """The trainable arrays, as
        :class:`~skmanualnet._nn.layer.Parameter` specifications."""
        return ()

    def initialize(self, params, random_state):
        """Write θ₀'s entries of this layer into the views ``params``."""

    def initial_state(self, dtype):
        """The fitted non-trainable arrays, by name, before training."""
        return {}

    def forward(self, x, params, state, context):
        """(out, cache): the layer's output for input ``x`` and what its
        backward pass reads."""
        raise NotImplementedError

    def backward(self, out_bar, cache, params, grads, need_x_bar=True, buffers=FRESH):
        """x̄ = ∂L/∂x from ``out_bar`` = ∂L/∂out, or None when not
        ``need_x_bar`` (the first layer's input is the data); writes
        ∂L/∂(each parameter) into ``grads``, and what it writes besides into
        arrays of ``buffers``."""
        raise NotImplementedError

    def reference_forward(self, x, params, state, context):
        """out computed loop by loop: the layer's module-level
        ``reference_forward(layer, x, params, state, context)``, bound as this
        method; the test oracle of :meth:`forward`."""
        raise NotImplementedError(
            f"The layer {self.name!r} has no loop-by-loop reference_forward."
        )

    def reference_backward(self, out_bar, x, params, state, context):
        """(x̄, {parameter name: its gradient}) computed loop by loop from
        ``out_bar`` = ∂L/∂out at input ``x``: the layer's module-level
        ``reference_backward``, bound as this method; the test oracle of
        :meth:`backward`."""
        raise NotImplementedError(
            f"The layer {self.name!r} has no loop-by-loop reference_backward."
        )

    def onnx(self, graph, x, params, state):
        """The name of the layer's output at predict, its nodes added to
        ``graph`` (a :class:`~skmanualnet._export.onnx_graph.GraphBuilder`) after the
        input named ``x``."""
        raise NotImplementedError(f"The layer {self.name!r} has no ONNX form.")
