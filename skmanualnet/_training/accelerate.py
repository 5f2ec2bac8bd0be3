"""Which kernels a stochastic fit trains on: the numpy reference or the fused ones.

The epoch loop asks :func:`batch_training` once per call for an object with
three methods, ``start_epoch``, ``loss_and_gradient`` (forward and backward
of one batch) and ``step`` (the update of θ), and calls nothing else per
batch. The reference,
:class:`ReferenceTraining`, is the readable numpy code of ``_nn.network`` and
``optimizers``; the fused one comes from ``skmanualnet._training._fast`` (numba, the
``fast`` extra), imported here and only here, at the first fit that uses it.
The setting ``accelerate`` (:func:`skmanualnet.set_config`) decides.
"""

import importlib.util

from .._lazy_import import import_optional
from .config import get_config

#: What ``accelerate="auto"`` weighs, as measured on the benchmark machine
#: (``benchmarks/README.md``): loading numba and the cached kernels in a fresh
#: process costs about this many seconds, ...
LOAD_SECONDS = 0.7
#: ... and the kernels save about this much per batch (the calls they merge) ...
SAVED_PER_BATCH = 1e-4
#: ... plus this much per parameter and batch (the passes over θ they merge).
SAVED_PER_PARAMETER = 2e-9


class ReferenceTraining:
    """Batches of ``network`` trained by ``optimizer`` with the numpy reference."""

    def __init__(self, network, optimizer):
        self.network, self.optimizer = network, optimizer

    def start_epoch(self):
        """Nothing to prepare: the reference keeps no state across batches."""

    def loss_and_gradient(self, theta, grad, X, T, sample_weight, ws):
        """L(θ) of the batch, and ∇L(θ) into ``grad``."""
        return self.network.loss_and_gradient(theta, grad, X, T, sample_weight, ws)

    def step(self, theta, grad):
        """The optimizer's step on θ (``grad`` is used as scratch)."""
        self.optimizer.step(theta, grad)


def numba_installed():
    """True when numba can be found (without importing it)."""
    return importlib.util.find_spec("numba") is not None


def pays_off(n_batches, n_params):
    """Whether ``n_batches`` batches (at most: max epochs × batches per epoch)
    of a network of ``n_params`` parameters would repay loading the kernels."""
    saved = n_batches * (SAVED_PER_BATCH + SAVED_PER_PARAMETER * n_params)
    return saved >= LOAD_SECONDS


def batch_training(network, optimizer, n_samples, settings):
    """The training step of one call to the epoch loop (``settings``: its
    :class:`~skmanualnet._training.epochs.EpochSettings`), as the setting says."""
    setting = get_config()["accelerate"]
    if setting is False or not network.fusable:
        return ReferenceTraining(network, optimizer)
    n_batches = settings.max_epochs * -(-n_samples // settings.batch_size)
    if setting == "auto" and not (
        pays_off(n_batches, network.layout.size) and numba_installed()
    ):
        return ReferenceTraining(network, optimizer)
    try:
        fast = import_optional(f"{__package__}._fast")
    except ImportError as error:
        if setting is True:
            raise ImportError(
                "accelerate=True (skmanualnet.set_config, or the environment "
                f"variable SKMANUALNET_ACCELERATE) needs numba, which failed to "
                f"import: {error}. Install the extra from the clone with "
                "pip install -e \".[fast]\", or set accelerate='auto' or False."
            ) from error
        return ReferenceTraining(network, optimizer)
    return fast.FusedTraining(network, optimizer)
