"""The ``activation`` parameter: a name, a :class:`CustomActivation`, or one of
them per hidden layer, resolved at fit into one
:class:`~skmanualnet._nn.activations.Activation` per hidden layer.

The estimator stores what the user gave (so that ``get_params`` and ``clone``
return it unchanged); :func:`resolve_activations` turns it into the network's
activations each time a network is built.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._nn.activations import ACTIVATIONS, Activation

#: Where :func:`check_derivative` compares φ′ with central differences of φ:
#: from −3.95 to 4.05 in steps of 0.1, no point within 0.05 of an integer.
PROBE_POINTS = np.linspace(-3.95, 4.05, 81)
#: Largest |φ′ − numeric| / max(1, |numeric|) that :func:`check_derivative` accepts.
DERIVATIVE_TOLERANCE = 1e-5


@dataclass(frozen=True)
class CustomActivation:
    """A hidden activation of your own: a name, φ and its derivative φ′.

    Usable wherever the name of a built-in activation is: as ``activation``,
    or as an entry of a per-layer sequence. Training takes φ′ from the
    pre-activation z (the workspace keeps z for these layers).
    :func:`~skmanualnet.check_gradients` compares φ′ with central differences
    of φ before it checks the network, and raises a ValueError when they
    disagree. ONNX export refuses a network with a custom activation.

    Parameters
    ----------
    name : str
        Shown in traces and error messages; not the name of a built-in
        activation.
    phi : callable
        ``phi(z) -> a``: an array of z's shape from an array z (any float
        dtype; the result is cast to z's).
    phi_prime : callable
        ``phi_prime(z) -> φ′(z)``: the derivative, element by element, also from z.

    Notes
    -----
    To pickle an estimator that holds one (joblib, skops), ``phi`` and
    ``phi_prime`` must be picklable: functions defined at the top level of a
    module (or numpy ufuncs), not lambdas or nested functions. ``clone`` and
    ``get_params`` work with any callable.

    Examples
    --------
    >>> import numpy as np
    >>> from skmanualnet import CustomActivation, ManualMLPClassifier
    >>> def square_plus(z):
    ...     return (z + np.sqrt(z * z + 4)) / 2
    >>> def square_plus_prime(z):
    ...     return (1 + z / np.sqrt(z * z + 4)) / 2
    >>> act = CustomActivation("squareplus", square_plus, square_plus_prime)
    >>> model = ManualMLPClassifier((8, 8), activation=[act, "tanh"])
    """

    name: str
    phi: Callable
    phi_prime: Callable

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise TypeError(
                f"CustomActivation name must be a non-empty str, got {self.name!r}."
            )
        if self.name in ACTIVATIONS:
            raise ValueError(
                f"CustomActivation name {self.name!r} is a built-in activation's: "
                f"choose another name (built-in: {sorted(ACTIVATIONS)})."
            )
        for part in ("phi", "phi_prime"):
            if not callable(getattr(self, part)):
                raise TypeError(
                    f"CustomActivation {self.name!r}: {part} must be callable "
                    f"(array in, array out), got {getattr(self, part)!r}."
                )

    def __repr__(self):
        """Named by its functions, not their addresses: the same text in every
        process (estimator reprs, test ids)."""

        def label(f):
            return getattr(f, "__qualname__", None) or repr(f)

        return (
            f"CustomActivation(name={self.name!r}, phi={label(self.phi)}, "
            f"phi_prime={label(self.phi_prime)})"
        )

    def as_activation(self):
        """The :class:`~skmanualnet._nn.activations.Activation` the network runs:
        φ and φ′ writing into the buffers they are given, φ′ from z."""
        return Activation(
            self.name,
            Elementwise(self, "phi", f"a = {self.name}(z): user-defined φ"),
            Elementwise(self, "phi_prime", f"φ′ = {self.name}′(z): user-defined"),
            derivative_from="z",
        )


class Elementwise:
    """``f(x, out)`` from a user's ``f(x) -> array``: the result, checked for
    shape, written into ``out``. Its docstring is the equation a trace shows."""

    def __init__(self, custom, part, equation):
        self.custom, self.part, self.__doc__ = custom, part, equation

    def __call__(self, x, out):
        result = getattr(self.custom, self.part)(x)
        if np.shape(result) != x.shape:
            raise ValueError(
                f"CustomActivation {self.custom.name!r}: {self.part} returned "
                f"shape {np.shape(result)} for input of shape {x.shape}; it must "
                "map an array to an array of the same shape, element by element."
            )
        out[...] = result
        return out


def resolve_one(spec):
    """The :class:`~skmanualnet._nn.activations.Activation` of one name or
    :class:`CustomActivation`."""
    if isinstance(spec, CustomActivation):
        return spec.as_activation()
    if isinstance(spec, str) and spec in ACTIVATIONS:
        return ACTIVATIONS[spec]
    raise ValueError(
        f"Each activation must be one of {sorted(ACTIVATIONS)} or a "
        f"skmanualnet.CustomActivation, got {spec!r}."
    )


def resolve_activations(activation, n_hidden):
    """One Activation per hidden layer from the ``activation`` parameter: a
    name or CustomActivation for every layer, or a list or tuple of them, one
    per hidden layer."""
    if isinstance(activation, list | tuple):
        if len(activation) != n_hidden:
            raise ValueError(
                f"activation={activation!r} gives {len(activation)} activations "
                f"but hidden_layer_sizes asks for {n_hidden} hidden layers: give "
                "one activation per hidden layer, or a single one for all."
            )
        return tuple(resolve_one(spec) for spec in activation)
    return (resolve_one(activation),) * n_hidden


def custom_activations(activation):
    """The CustomActivations the ``activation`` parameter holds (a list)."""
    specs = activation if isinstance(activation, list | tuple) else [activation]
    return [spec for spec in specs if isinstance(spec, CustomActivation)]


def check_derivative(custom, eps=1e-6):
    """Raise a ValueError when φ′ of ``custom`` is not the central difference
    ``(φ(z + h) − φ(z − h)) / 2h``, ``h = ε max(1, |z|)``, at ``PROBE_POINTS``."""
    z = PROBE_POINTS
    h = eps * np.maximum(1.0, np.abs(z))
    phi = np.asarray(custom.phi(z + h), dtype=float)
    numeric = (phi - np.asarray(custom.phi(z - h), dtype=float)) / (2 * h)
    analytic = np.asarray(custom.phi_prime(z), dtype=float)
    error = np.abs(analytic - numeric) / np.maximum(1.0, np.abs(numeric))
    error = np.where(np.isnan(error), np.inf, error)  # a NaN is the worst point
    worst = int(np.argmax(error))
    if not np.all(error <= DERIVATIVE_TOLERANCE):
        raise ValueError(
            f"CustomActivation {custom.name!r}: phi_prime disagrees with the "
            f"central differences of phi, by {error[worst]:.3g} (relative) at "
            f"z = {z[worst]:.3g}: phi_prime gives {analytic[worst]:.6g}, the "
            f"differences {numeric[worst]:.6g}. Check the derivative (the "
            f"points, {z[0]:.3g} to {z[-1]:.3g}, avoid kinks at integers)."
        )
