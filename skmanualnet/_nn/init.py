"""Initial weights θ₀: Glorot's and He's schemes, layer by layer.

Every scheme draws layer by layer from the fit's ``random_state``, the
weights Wˡ then the biases bˡ, in float64, then casts to the data's dtype, so
that one seed gives one model. ``glorot_uniform`` is scikit-learn's scheme,
draw for draw (biases included); the others start the biases at 0. With
nₗ₋₁ inputs and nₗ outputs per layer::

    glorot_uniform  Wˡ, bˡ ~ U(−r, r),  r = √(f / (nₗ₋₁ + nₗ)),
                    f = 2 for logistic, else 6
    glorot_normal   Wˡ ~ N(0, 2 / (nₗ₋₁ + nₗ))
    he_uniform      Wˡ ~ U(−r, r),  r = √(6 / nₗ₋₁)
    he_normal       Wˡ ~ N(0, 2 / nₗ₋₁)

He's schemes keep the variance of relu activations from layer to layer
(Var aˡ ≈ ½ nₗ₋₁ Var Wˡ Var aˡ⁻¹ = Var aˡ⁻¹), where Glorot's halve it at
each relu layer.
"""

import numpy as np


def glorot_uniform(shape, activation, random_state):
    """Wˡ, bˡ ~ U(−r, r) with r = √(f / (nₗ₋₁ + nₗ)), f = 2 for logistic, else 6.

    Glorot & Bengio's initialisation as scikit-learn draws it; ``activation``
    is the name of the layer's activation (the last hidden layer's for the
    output layer).
    """
    fan_in, fan_out = shape
    factor = 2.0 if activation == "logistic" else 6.0
    bound = np.sqrt(factor / (fan_in + fan_out))
    W = random_state.uniform(-bound, bound, (fan_in, fan_out))
    return W, random_state.uniform(-bound, bound, fan_out)


def glorot_normal(shape, activation, random_state):
    """Wˡ ~ N(0, 2 / (nₗ₋₁ + nₗ)), bˡ = 0."""
    fan_in, fan_out = shape
    W = random_state.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), shape)
    return W, np.zeros(fan_out)


def he_uniform(shape, activation, random_state):
    """Wˡ ~ U(−r, r) with r = √(6 / nₗ₋₁), bˡ = 0 (variance 2 / nₗ₋₁)."""
    fan_in, fan_out = shape
    bound = np.sqrt(6.0 / fan_in)
    return random_state.uniform(-bound, bound, shape), np.zeros(fan_out)


def he_normal(shape, activation, random_state):
    """Wˡ ~ N(0, 2 / nₗ₋₁), bˡ = 0."""
    fan_in, fan_out = shape
    return random_state.normal(0.0, np.sqrt(2.0 / fan_in), shape), np.zeros(fan_out)


#: ``weight_init`` → the draw of one layer, ``(shape, activation, rng) -> (W, b)``.
WEIGHT_INITS = {
    draw.__name__: draw
    for draw in (glorot_uniform, glorot_normal, he_uniform, he_normal)
}


def initial_parameters(layout, activations, weight_init, random_state, dtype):
    """θ₀ = [W¹ … Wᴸ, b¹ … bᴸ], each layer drawn by the ``weight_init`` scheme.

    ``activations`` holds the hidden layers' activations; the output layer is
    drawn as for the last of them (for a single activation, as scikit-learn).
    """
    draw = WEIGHT_INITS[weight_init]
    names = [activation.name for activation in activations]
    theta = np.empty(layout.size, dtype=dtype)
    coefs, intercepts = layout.unpack(theta)
    for W, b, name in zip(coefs, intercepts, [*names, names[-1]], strict=True):
        W[...], b[...] = draw(W.shape, name, random_state)
    return theta
