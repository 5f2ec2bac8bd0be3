"""One forward / backward pass with every intermediate kept, for learners.

``trace_step(model, X, y)`` runs the same forward and backward pass that
training runs (:func:`~skmanualnet._nn.network.loss_and_gradient`), into a
workspace that keeps every intermediate in a buffer of its own, and returns
them under the derivation's names, so that a hand computation can be checked
number by number. How a trace reads (``print``, notebooks) is
:mod:`skmanualnet._inspection.trace_format`; how it is drawn is
:mod:`skmanualnet._inspection.trace_plot`.
"""

from dataclasses import dataclass, field

import numpy as np

from .._estimators.base import next_step_optimizer
from .._heads.losses import l2_penalty
from .._nn.network import batch_weights, loss_and_gradient
from .._nn.workspace import Workspace
from .inspected import inspected_problem
from .trace_format import equations_of, format_html, format_text
from .trace_layers import trace_layers


@dataclass
class BackpropTrace:
    """Every intermediate of one step; lists are indexed by the layer l = 1 … L
    (index 0 is the input layer, where only ``a[0] = X`` exists).

    ``print(trace)`` shows them in the order training computes them, each with
    its shape and its equation; in a notebook the trace shows as a table, and
    :meth:`plot` draws the computation graph of one sample.

    Attributes
    ----------
    z, a : list of ndarray
        zˡ = aˡ⁻¹Wˡ + bˡ and aˡ = φ(zˡ); ``a[0]`` is X and ``a[L]`` is y.
    y, T : ndarray
        Outputs (probabilities for a classifier) and targets.
    loss : float
        The batch loss L, penalty included.
    y_bar : ndarray
        ȳ = ∂L/∂y (−w t / y for softmax), w the sample's weight in the batch.
    jacobian : ndarray
        ∂y/∂zᴸ per sample: (B, K, K) for softmax, the diagonal (B, K) for the
        elementwise links.
    z_bar_jacobian, z_bar_fused : ndarray
        z̄ᴸ by the Jacobian path (Jᵀȳ) and by the fused path w ⊙ (y − t).
    phi_prime : list of ndarray
        φ′(zˡ) of each hidden layer.
    a_bar, z_bar, W_bar, b_bar : list of ndarray
        Āˡ, Z̄ˡ, W̄ˡ = (aˡ⁻¹)ᵀZ̄ˡ + (α/Σs)Wˡ and b̄ˡ = 1ᵀZ̄ˡ.
    W_update, b_update : list of ndarray
        What one step of the estimator's optimizer would add to Wˡ and bˡ
        (None for ``solver="lbfgs"``, whose step comes from a line search).
    W, b : list of ndarray
        The weights Wˡ and biases bˡ the pass ran with (``coefs_[l - 1]``,
        ``intercepts_[l - 1]`` of a fitted model).
    w : ndarray of shape (B,)
        Each sample's weight in the batch loss: 1/B, or s / Σs with sample
        weights s. It is part of ȳ and of every error signal below it.
    weight_sum : float
        Σs (B without sample weights).
    alpha : float
        The L2 penalty α.
    penalty : float
        (α / (2Σs)) Σₗ ‖Wˡ‖², the part of ``loss`` that is not the data term.
    weighted : bool
        Whether sample weights were given (w = s / Σs rather than 1/B).
    equations : dict
        The equation of each step of this network, from the functions that
        compute it: keys ``"link"``, ``"loss"``, ``"penalty"``, ``"y_bar"``,
        ``"jacobian"``, ``"jacobian_error"``, ``"error"``, ``"update"`` (str or
        None) and ``"phi"``, ``"phi_prime"`` (lists indexed by l).
    activations : list of str
        The hidden activation of each layer (None at 0 and L).
    out_activation : str
        The output head, as ``out_activation_`` names it.
    """

    z: list
    a: list
    y: np.ndarray
    T: np.ndarray
    loss: float
    y_bar: np.ndarray
    jacobian: np.ndarray
    z_bar_jacobian: np.ndarray
    z_bar_fused: np.ndarray
    phi_prime: list = field(default_factory=list)
    a_bar: list = field(default_factory=list)
    z_bar: list = field(default_factory=list)
    W_bar: list = field(default_factory=list)
    b_bar: list = field(default_factory=list)
    W_update: list = field(default_factory=list)
    b_update: list = field(default_factory=list)
    W: list = field(default_factory=list)
    b: list = field(default_factory=list)
    w: np.ndarray = None
    weight_sum: float = None
    alpha: float = 0.0
    penalty: float = 0.0
    weighted: bool = False
    equations: dict = field(default_factory=dict)
    activations: list = field(default_factory=list)
    out_activation: str = None

    def to_dict(self):
        """The trace as a dict of plain numpy arrays (and lists of them)."""
        return dict(self.__dict__)

    def __str__(self):
        return format_text(self)

    def _repr_html_(self):
        return format_html(self)

    def plot(self, sample=0, *, ax=None, precision=2):
        """Draw the computation graph of one sample, with its values and errors.

        The graph is the network as the derivation draws it, x → h → … → z → y
        → L: one node per unit, labelled with its forward value (above) and its
        error signal v̄ = ∂L/∂v (below); one edge per weight, coloured by the
        weight, labelled with this sample's share aᵢ z̄ⱼ of its gradient W̄ᵢⱼ.
        Needs matplotlib.

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
        from .trace_plot import plot_trace  # matplotlib only when drawing

        return plot_trace(self, sample, ax=ax, precision=precision)


def trace_step(estimator, X, y, sample_weight=None, classes=None):
    """Run one forward and backward pass on (X, y) and return every intermediate.

    The estimator is not changed: a fitted one is traced at its weights (and its
    optimizer's current state for the would-be update), an unfitted one at the
    weights its ``random_state`` initialises.

    Parameters
    ----------
    estimator : ManualMLPClassifier or Pipeline
        The model, or a pipeline ending in it (its other steps transform X).
    X : array-like of shape (n_samples, n_features)
        A few samples.
    y : array-like of shape (n_samples,) or (n_samples, n_labels)
    sample_weight : array-like of shape (n_samples,), default=None
    classes : array-like, default=None
        All classes, for an unfitted classifier and rows that lack some.

    Returns
    -------
    trace : BackpropTrace or LayerTrace
        ``print(trace)`` shows the step in the order of computation;
        ``trace.plot()`` draws the computation graph of one sample. When the
        layer options (``dropout``, ``normalization``, ``input_scale``,
        ``input_embedding``, ``parametric_activation``) add layers, a
        :class:`~skmanualnet.LayerTrace`: each layer's output, cache and
        parameters, then its gradients and error signals, by the layer's
        names (a training pass: dropout masks drawn as
        :func:`~skmanualnet.check_gradients` draws them, batch statistics of
        these rows; the model's running statistics do not move).

    Examples
    --------
    >>> import numpy as np
    >>> from skmanualnet import ManualMLPClassifier, trace_step
    >>> X = np.array([[0.5, -1.0], [1.5, 2.0], [-1.0, 0.5]])
    >>> trace = trace_step(ManualMLPClassifier((3,), random_state=0), X, [0, 1, 2])
    >>> np.allclose(trace.z_bar_jacobian, trace.z_bar_fused)
    True
    >>> trace.W_bar[2].shape
    (3, 3)

    With layer options, the trace holds the layers in computation order:

    >>> model = ManualMLPClassifier((3,), normalization="layer", random_state=0)
    >>> trace = trace_step(model, X, [0, 1, 2])
    >>> [layer.name for layer in trace.layers]
    ['dense', 'layer_norm', 'activation', 'dense']
    >>> sorted(trace.layers[1].cache), trace.layers[1].grads["gamma"].shape
    (['mu', 'sigma', 'var', 'x_hat'], (3,))
    """
    model, problem = inspected_problem(estimator, X, y, sample_weight, classes)
    return trace_problem(model, problem)


def trace_problem(model, problem):
    """The :class:`BackpropTrace` of one step of ``model`` on a training problem
    (a :class:`~skmanualnet._inspection.trace_layers.LayerTrace` when its layer options
    add layers)."""
    theta, network, X, s = (problem.theta, problem.network, problem.X,
                            problem.sample_weight)  # fmt: skip
    if hasattr(network, "layers"):  # the layer options' sequence network
        return trace_layers(model, problem)
    T = problem.T.astype(theta.dtype)
    ws = Workspace.for_network(network, X.shape[0], theta.dtype, keep_all=True)
    grad = np.empty_like(theta)
    loss = loss_and_gradient(theta, grad, network, X, T, s, ws)  # the real passes
    passes, head = ws.rows(X.shape[0]), network.head
    W_bars, b_bars = network.layout.unpack(grad)
    coefs, intercepts = network.layout.unpack(theta.copy())
    w, weight_sum = batch_weights(s, X.shape[0])
    penalty = l2_penalty(
        network.layout.weights(theta), network.alpha, weight_sum, ws.coef_scratch
    )

    # the output error the long way: ȳ, then z̄ = Jᵀȳ
    y_bar, jacobian = head.y_bar(passes.y, T, w), head.jacobian(passes.y)

    # update: one step of the estimator's optimizer, on copies
    W_update = b_update = [None] * len(W_bars)
    optimizer = next_step_optimizer(model, problem)
    if optimizer is not None:
        stepped = theta.copy()
        optimizer.step(stepped, grad.copy())
        W_update, b_update = network.layout.unpack(stepped - theta)

    hidden = [None, *(activation.name for activation in network.activations), None]
    return BackpropTrace(
        z=[None, *passes.z],
        a=[X, *passes.a, passes.y],
        y=passes.y,
        T=T,
        loss=loss,
        y_bar=y_bar,
        jacobian=jacobian,
        z_bar_jacobian=head.jacobian_error(jacobian, y_bar),
        z_bar_fused=passes.z_bar[-1],
        phi_prime=[None, *passes.phi_prime, None],
        a_bar=[None, *passes.a_bar, None],
        z_bar=[None, *passes.z_bar],
        W_bar=[None, *W_bars],
        b_bar=[None, *b_bars],
        W_update=[None, *W_update],
        b_update=[None, *b_update],
        W=[None, *coefs],
        b=[None, *intercepts],
        w=np.broadcast_to(w, (X.shape[0], 1))[:, 0].astype(theta.dtype),
        weight_sum=float(weight_sum),
        alpha=float(network.alpha),
        penalty=float(penalty),
        weighted=s is not None,
        equations=equations_of(network, optimizer),
        activations=hidden,
        out_activation=head.name,
    )
