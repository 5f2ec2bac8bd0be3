"""The trace of one step of a layered network: each layer's forward and
backward quantities, under the names the layer gives them.

:func:`trace_layers` runs the training passes of the
:class:`~skmanualnet._nn.sequence.LayeredNetwork` itself
(:meth:`~skmanualnet._nn.sequence.LayeredNetwork.loss_and_gradient`), with a
:class:`~skmanualnet._nn.sequence.PassRecord` that keeps what the passes
compute, on a copy of the network's state (a training pass of batch
normalisation moves its running statistics: the copy's move, the model's do
not). How it reads is :mod:`skmanualnet._inspection.trace_layers_format`.
"""

from dataclasses import dataclass, field

import numpy as np

from .._estimators.base import next_step_optimizer
from .._nn.network import batch_weights
from .._nn.sequence import PassRecord
from .trace_format import equation_of, loss_equation, update_rule
from .trace_layer_notes import layer_notes
from .trace_layers_format import format_layers_html, format_layers_text


@dataclass
class LayerStep:
    """One layer k of the traced step.

    Attributes
    ----------
    name : str
        The layer's name in the registry (``"dense"``, ``"batch_norm"`` …).
    equation : str
        What the layer computes, from its class docstring.
    out : ndarray
        Its output xᵏ (its input is the previous layer's output, X for k = 1).
    cache : dict
        What its forward pass kept for its backward pass, by the layer's names.
    params : dict
        Its parameters by name, as the pass ran with them.
    out_bar : ndarray
        x̄ᵏ = ∂L/∂xᵏ, the error signal at its output.
    x_bar : ndarray or None
        x̄ᵏ⁻¹ = ∂L/∂xᵏ⁻¹, the error signal at its input (None for the first
        layer: the data's error is never formed).
    grads : dict
        ∂L/∂(each parameter) by name, the L2 penalty's part included.
    updates : dict or None
        What one step of the estimator's optimizer would add to each parameter
        (None for ``solver="lbfgs"``).
    forward_notes, backward_notes : list
        What the printed trace adds to the arrays (dropout's 0/1 mask and the
        share it kept, batch normalisation's two backward forms and their
        largest difference, the embedding rows a batch touched).
    details : dict
        The arrays of those notes by name: ``"mask"`` (dropout);
        ``"x_hat_bar"``, ``"closed_form"``, ``"through_graph"``,
        ``"largest_difference"`` (batch norm, training pass without sample
        weights); ``"touched_rows"`` (category embedding).
    """

    name: str
    equation: str
    out: np.ndarray
    cache: dict
    params: dict
    out_bar: np.ndarray
    x_bar: np.ndarray | None
    grads: dict
    updates: dict | None = None
    forward_notes: list = field(default_factory=list)
    backward_notes: list = field(default_factory=list)
    details: dict = field(default_factory=dict)


@dataclass
class LayerTrace:
    """Every intermediate of one step of a network with layer options.

    ``print(trace)`` shows, layer by layer, the forward pass in computation
    order (parameters, cache, output), the loss, and the backward pass in
    reverse (the parameters' gradients and the error signal handed down).

    Attributes
    ----------
    X : ndarray
        The input x⁰ (after a pipeline's steps).
    layers : list of LayerStep
        ``layers[k - 1]`` is layer k = 1 … m, in computation order.
    y, T : ndarray
        Outputs (probabilities for a classifier) and targets.
    loss : float
        The batch loss L, penalty included.
    z_bar : ndarray
        z̄ = ∂L/∂xᵐ from the output head, where the backward pass starts.
    w : ndarray of shape (B,)
        Each sample's weight in the batch loss.
    weight_sum : float
        Σs (B without sample weights).
    alpha, penalty : float
        The L2 penalty α, and its part of ``loss``.
    weighted : bool
        Whether sample weights were given.
    equations : dict
        ``"link"``, ``"loss"``, ``"error"`` of the head and ``"update"`` of the
        optimizer (None for L-BFGS).
    out_activation : str
        The output head, as ``out_activation_`` names it.
    """

    X: np.ndarray
    layers: list
    y: np.ndarray
    T: np.ndarray
    loss: float
    z_bar: np.ndarray
    w: np.ndarray
    weight_sum: float
    alpha: float = 0.0
    penalty: float = 0.0
    weighted: bool = False
    equations: dict = field(default_factory=dict)
    out_activation: str = None

    @property
    def z(self):
        """The logits xᵐ, the last layer's output."""
        return self.layers[-1].out

    def to_dict(self):
        """The trace as a dict (``layers`` as a list of dicts)."""
        return {**self.__dict__, "layers": [dict(s.__dict__) for s in self.layers]}

    def __str__(self):
        return format_layers_text(self)

    def _repr_html_(self):
        return format_layers_html(self)

    def plot(self, sample=0, *, ax=None, precision=2):
        """Draw the layers for one sample: a column per xᵏ, each unit with its
        value and error x̄, dropped units crossed out, batch statistics under
        batch normalisation's units. Needs matplotlib.

        Parameters
        ----------
        sample : int, default=0
            The row of the traced batch to draw.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        precision : int, default=2
            Decimals of the numbers on the graph.

        Returns
        -------
        figure : matplotlib Figure
        """
        from .trace_layers_plot import plot_layer_trace  # matplotlib only here

        return plot_layer_trace(self, sample, ax=ax, precision=precision)


def layer_equation(layer):
    """What a layer computes: its class docstring's equation, with the
    activation it applies, if any."""
    equation = equation_of(type(layer))
    equation = equation.split(" for an :class:")[0]
    activation = getattr(layer, "activation", None)
    return equation if activation is None else f"{equation}, φ = {activation.name}"


def layer_steps(network, record, theta, grad, optimizer):
    """Each layer's :class:`LayerStep`, from the passes' ``record``; the
    updates are one step of a copy of ``optimizer`` (None: no updates)."""
    updates = [None] * len(network.layers)
    if optimizer is not None:
        stepped = theta.copy()
        optimizer.step(stepped, grad.copy())
        updates = network.layout.unpack_layers(stepped - theta)
    errors = {k: (out_bar, x_bar) for k, out_bar, x_bar in record.errors}
    params = network.layout.unpack_layers(theta)
    grads = network.layout.unpack_layers(grad)
    steps = [
        LayerStep(layer.name, layer_equation(layer), record.outputs[k],
                  record.caches[k], params[k], *errors[k], grads[k], updates[k])
        for k, layer in enumerate(network.layers)
    ]  # fmt: skip
    for layer, step in zip(network.layers, steps, strict=True):
        step.forward_notes, step.backward_notes, step.details = layer_notes(layer, step)
    return steps


def trace_layers(model, problem):
    """The :class:`LayerTrace` of one step of ``model`` on a training problem
    whose network is a :class:`~skmanualnet._nn.sequence.LayeredNetwork`, with
    the update of the optimizer its next step would use."""
    optimizer = next_step_optimizer(model, problem)
    return trace_network(problem.network, problem.theta, problem.X, problem.T,
                         problem.sample_weight, optimizer)  # fmt: skip


def trace_network(network, theta, X, T, sample_weight=None, optimizer=None):
    """The :class:`LayerTrace` of one training pass of a layered ``network``
    at ``theta`` on (X, T), and one step of a copy of ``optimizer`` (None: no
    update).

    The passes run on a copy of θ and of the network's state; the dropout
    masks come from the same seed as :func:`~skmanualnet.check_gradients`'
    evaluations, so the traced gradient is the one it checks.
    """
    network, theta = network.with_state_copied(), theta.copy()
    T, s = T.astype(theta.dtype), sample_weight
    ws = network.workspace(X.shape[0], theta.dtype, fixed_noise=True)
    grad, record = np.empty_like(theta), PassRecord()
    loss = network.loss_and_gradient(theta, grad, X, T, s, ws, record=record)

    w, weight_sum = batch_weights(s, X.shape[0])
    head = network.head
    return LayerTrace(
        X=X,
        layers=layer_steps(network, record, theta, grad, optimizer),
        y=record.y,
        T=T,
        loss=loss,
        z_bar=record.errors[0][1],
        w=np.broadcast_to(w, (X.shape[0], 1))[:, 0].astype(theta.dtype),
        weight_sum=float(weight_sum),
        alpha=float(network.alpha),
        penalty=float(network.penalty(theta, network.penalty_sum(weight_sum))),
        weighted=s is not None,
        equations={
            "link": equation_of(head.link),
            "loss": loss_equation(head),
            "error": equation_of(head.error),
            "update": update_rule(optimizer),
        },
        out_activation=head.name,
    )
