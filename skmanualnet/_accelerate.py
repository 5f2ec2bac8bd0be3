"""Which kernels a stochastic fit trains on: the numpy reference or the fused ones.

The epoch loop asks :func:`batch_training` once per call for an object with
three methods, ``start_epoch``, ``loss_and_gradient`` (forward and backward
of one batch) and ``step`` (the update of θ), and calls nothing else per
batch. The reference,
:class:`ReferenceTraining`, is the readable numpy code of ``_network`` and
``_optimizers``; the fused one comes from ``skmanualnet._fast`` (numba, the
``fast`` extra), imported here and only here, at the first fit that uses it.
The setting ``accelerate`` (:func:`skmanualnet.set_config`) decides.
"""

import importlib.util

from ._config import get_config
from ._network import loss_and_gradient

#: With ``accelerate="auto"``, a fit is accelerated when its work, max epochs ×
#: rows × parameters, reaches this: loading numba and the cached kernels costs
#: about 0.5 s in a fresh process, which the kernels repay at about this size.
AUTO_MIN_WORK = 1e10


class ReferenceTraining:
    """Batches of ``network`` trained by ``optimizer`` with the numpy reference."""

    def __init__(self, network, optimizer):
        self.network, self.optimizer = network, optimizer

    def start_epoch(self):
        """Nothing to prepare: the reference keeps no state across batches."""

    def loss_and_gradient(self, theta, grad, X, T, sample_weight, ws):
        """L(θ) of the batch, and ∇L(θ) into ``grad``."""
        return loss_and_gradient(theta, grad, self.network, X, T, sample_weight, ws)

    def step(self, theta, grad):
        """The optimizer's step on θ (``grad`` is used as scratch)."""
        self.optimizer.step(theta, grad)


def numba_installed():
    """True when numba can be found (without importing it)."""
    return importlib.util.find_spec("numba") is not None


def pays_off(n_samples, n_params, max_epochs):
    """Whether a fit of this size repays loading the kernels (``"auto"``)."""
    return max_epochs * n_samples * n_params >= AUTO_MIN_WORK


def batch_training(network, optimizer, n_samples, max_epochs):
    """The training step of one call to the epoch loop, as the setting says."""
    setting = get_config()["accelerate"]
    if setting is False:
        return ReferenceTraining(network, optimizer)
    if setting == "auto" and not (
        pays_off(n_samples, network.layout.size, max_epochs) and numba_installed()
    ):
        return ReferenceTraining(network, optimizer)
    try:
        fast = importlib.import_module(f"{__package__}._fast")
    except ImportError as error:
        if setting is True:
            raise ImportError(
                "accelerate=True (skmanualnet.set_config, or the environment "
                f"variable SKMANUALNET_ACCELERATE) needs numba, which failed to "
                f"import: {error}. Install the extra with pip install "
                "'skmanualnet[fast]', or set accelerate='auto' or False."
            ) from error
        return ReferenceTraining(network, optimizer)
    return fast.FusedTraining(network, optimizer)
