"""The epoch loop's batch step on the fused kernels, chosen once per call.

:class:`FusedTraining` has the reference step's interface
(``_training.accelerate.ReferenceTraining``): ``loss_and_gradient`` then ``step``. It
picks, for the network and optimizer at hand, the kernel of each hidden
layer's activation, of the output head and of the optimizer; what has no
kernel runs the numpy reference.
"""

from dataclasses import dataclass

import numpy as np

from ..._nn.network import l2_gradient
from ..optimizers import SGD, Adam
from . import heads as _heads
from . import layers as _layers
from .batch_pass import loss_and_gradient
from .update import adam_update, sgd_update


@dataclass(frozen=True)
class FusedKernels:
    """Per hidden layer its (forward, backward) kernels, and the head's kernel;
    None where the numpy reference runs instead."""

    forward: tuple
    backward: tuple
    head: object

    @classmethod
    def of(cls, network):
        """The kernels that exist for ``network``'s activations (built-in ones:
        a custom activation, whose name cannot be a built-in one, has none)
        and head."""
        pairs = [_layers.KERNELS.get(a.name, (None, None)) for a in network.activations]
        return cls(
            forward=tuple(f for f, _ in pairs),
            backward=tuple(b for _, b in pairs),
            head=_heads.KERNELS.get(type(network.head)),
        )


def sgd_step(optimizer, theta, grad, n_weights, decay):
    """W̄ += (α/Σs) W and ``optimizer``'s SGD step, fused; returns Σ W² after."""
    cast, lr = theta.dtype.type, optimizer.advance()  # η of this step
    return sgd_update(theta, grad, optimizer.carried, n_weights, cast(decay),
                      cast(lr), cast(optimizer.momentum),
                      bool(optimizer.nesterov))  # fmt: skip


def adam_step(optimizer, theta, grad, n_weights, decay):
    """W̄ += (α/Σs) W and ``optimizer``'s Adam step, fused; returns Σ W² after."""
    cast, b1, b2 = theta.dtype.type, optimizer.beta_1, optimizer.beta_2
    neg_lr_t = -float(optimizer.advance())
    betas = (cast(b1), cast(1 - b1), cast(b2), cast(1 - b2))
    m, v, epsilon = optimizer.m, optimizer.v, cast(optimizer.epsilon)
    return adam_update(theta, grad, m, v, n_weights, cast(decay), neg_lr_t, betas,
                       epsilon)  # fmt: skip


#: optimizer class -> its fused step
STEPS = {SGD: sgd_step, Adam: adam_step}


class FusedTraining:
    """Batches of ``network`` trained by ``optimizer`` on the fused kernels.

    ``kernels`` (default: all that exist for the network) and ``fused_step``
    choose which kernels run; the rest runs the numpy reference (for tests and
    for measuring what each kernel buys).

    The fused step returns Σ W² of the weights it wrote, which is the next
    batch's penalty: it is kept until then, and computed afresh at the start
    of each epoch (the loop may hand θ to callbacks between epochs), and after
    a decoupled weight decay (the optimizer's, in numpy after the kernel),
    which changes W once more.
    """

    def __init__(self, network, optimizer, kernels=None, fused_step=True):
        self.network, self.optimizer = network, optimizer
        self.kernels = FusedKernels.of(network) if kernels is None else kernels
        self._step = STEPS.get(type(optimizer)) if fused_step else None
        self._weight_sum = None  # the penalty's Σs of the batch in grad
        self._sum_of_squares = None  # Σ W² of θ as the last step left it
        self._scratch = None  # for an optimizer without a kernel

    def start_epoch(self):
        """Forget Σ W²: θ may have changed since the last step."""
        self._sum_of_squares = None

    def loss_and_gradient(self, theta, grad, X, T, sample_weight, ws):
        """L(θ) of the batch; ``grad`` gets the data term's gradient (the
        penalty's is added by :meth:`step`, which must follow)."""
        loss, self._weight_sum = loss_and_gradient(
            theta, grad, self.network, X, T, sample_weight, ws, self.kernels,
            self._sum_of_squares,
        )  # fmt: skip
        return loss

    def step(self, theta, grad):
        """The penalty's gradient and the optimizer's step on θ, in one pass."""
        network, layout = self.network, self.network.layout
        decay = network.alpha / self._weight_sum
        if self._step is not None:
            self._sum_of_squares = self._step(
                self.optimizer, theta, grad, layout.n_coef, decay
            )
            if self.optimizer.decay_weights(theta):
                self._sum_of_squares = None
            return
        W, W_bar = layout.weights(theta), layout.weights(grad)  # no kernel
        if self._scratch is None:
            self._scratch = np.empty_like(W)
        l2_gradient(W_bar, W, network.alpha, self._weight_sum, self._scratch)
        self.optimizer.step(theta, grad)
        self._sum_of_squares = None
