"""The derivation, non-vectorised: loops over samples, units and weights.

Small and slow on purpose. Every quantity is a Python float computed by the
scalar formula of the derivation, so that the vectorised code in ``_nn.network``
can be tested against it entry by entry:

    zⱼ = Σᵢ aᵢ Wᵢⱼ + bⱼ,   aⱼ = φ(zⱼ)
    ȳₖ = −tₖ / yₖ (softmax),   ȳₖ = −tₖ / yₖ + (1 − tₖ) / (1 − yₖ) (sigmoid)
    z̄ᵢ = Σₖ ȳₖ ∂yₖ/∂zᵢ,   ∂yₖ/∂zᵢ = yₖ (δₖᵢ − yᵢ) (softmax), δₖᵢ yₖ (1 − yₖ) (sigmoid)
    W̄ᵢⱼ = Σₙ aᵢ z̄ⱼ + (α / Σs) Wᵢⱼ,   b̄ⱼ = Σₙ z̄ⱼ,   āᵢ = Σⱼ Wᵢⱼ z̄ⱼ,   z̄ᵢ = āᵢ φ′(zᵢ)

φ′ is taken from z here (not from a, as the vectorised code does), so the
two implementations share no shortcut.
"""

import math


def _sigmoid(z):
    """σ(z) for one unit, without overflow."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    return math.exp(z) / (1.0 + math.exp(z))


def _softplus(z):
    """log(1 + eᶻ) for one unit."""
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def _normal_cdf(z):
    """Φ(z) = erfc(−z / √2) / 2."""
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def _gelu_prime(z):
    return _normal_cdf(z) + z * math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)


def _mish_prime(z):
    t = math.tanh(_softplus(z))
    return t + z * (1.0 - t * t) * _sigmoid(z)


#: (φ, φ′) of one unit, from its input z, by name: the loop reference's own,
#: written apart from ``_nn.activations`` so that the two can be compared.
ONE_UNIT = {
    "identity": (lambda z: z, lambda z: 1.0),
    "relu": (lambda z: max(z, 0.0), lambda z: 1.0 if z > 0 else 0.0),
    "leaky_relu": (
        lambda z: z if z > 0 else 0.01 * z,
        lambda z: 1.0 if z > 0 else 0.01,
    ),
    "elu": (
        lambda z: z if z > 0 else math.expm1(z),
        lambda z: 1.0 if z > 0 else math.exp(z),
    ),
    "softplus": (lambda z: _softplus(z), lambda z: _sigmoid(z)),
    "gelu": (lambda z: z * _normal_cdf(z), _gelu_prime),
    "silu": (
        lambda z: z * _sigmoid(z),
        lambda z: _sigmoid(z) * (1.0 + z * (1.0 - _sigmoid(z))),
    ),
    "mish": (lambda z: z * math.tanh(_softplus(z)), _mish_prime),
    "tanh": (math.tanh, lambda z: 1.0 - math.tanh(z) ** 2),
    "logistic": (_sigmoid, lambda z: _sigmoid(z) * (1.0 - _sigmoid(z))),
}


def _one_unit(activation):
    """(φ, φ′) of ``activation``; an unknown name is an error, never the
    identity."""
    if activation not in ONE_UNIT:
        raise ValueError(
            f"The loop reference has no activation {activation!r}; it knows "
            f"{sorted(ONE_UNIT)}."
        )
    return ONE_UNIT[activation]


def _phi(activation, z):
    """φ(z) for one unit."""
    return _one_unit(activation)[0](z)


def _phi_prime(activation, z):
    """φ′(z) for one unit, from its input z."""
    return _one_unit(activation)[1](z)


#: The activations that :func:`_phi` and :func:`_phi_prime` spell out.
def unit_activation(activation):
    """(φ, φ′): one unit's activation and its derivative, scalar functions of
    z, for a built-in :class:`~skmanualnet._nn.activations.Activation` (a custom
    one has no scalar form here: a ValueError)."""
    return _one_unit(activation.name)


def _output(out_activation, z):
    """y from the logits of one sample: softmax, or one sigmoid per unit."""
    if out_activation == "softmax":
        m = max(z)
        e = [math.exp(zk - m) for zk in z]
        return [ek / sum(e) for ek in e]
    return [1.0 / (1.0 + math.exp(-zk)) for zk in z]


def _logit_error(out_activation, y, t, w):
    """z̄ᵢ = Σₖ ȳₖ ∂yₖ/∂zᵢ for one sample of weight w (the Jacobian path, no fusion)."""
    K = len(y)
    if out_activation == "softmax":
        y_bar = [-w * t[k] / y[k] for k in range(K)]
        return [
            sum(y_bar[k] * y[k] * ((k == i) - y[i]) for k in range(K)) for i in range(K)
        ]
    y_bar = [w * (-t[k] / y[k] + (1 - t[k]) / (1 - y[k])) for k in range(K)]
    return [y_bar[i] * y[i] * (1 - y[i]) for i in range(K)]


def reference_gradients(
    X, T, sample_weight, coefs, intercepts, activation, out_activation, alpha
):
    """W̄ and b̄ of the batch loss, by loops over samples, units and weights.

    Parameters
    ----------
    X : array-like of shape (B, d)
    T : array-like of shape (B, K)
        Target indicators.
    sample_weight : array-like of shape (B,) or None
    coefs, intercepts : lists of arrays
        Wˡ of shape (nₗ₋₁, nₗ) and bˡ of shape (nₗ,).
    activation : str or sequence of str
        A built-in activation's name for every hidden layer, or one per layer.
    out_activation : {"softmax", "logistic"}
    alpha : float

    Returns
    -------
    W_bars, b_bars : lists of lists of floats
        Nested lists shaped like ``coefs`` and ``intercepts``.
    """
    n_samples = len(X)
    s = (
        [1.0] * n_samples
        if sample_weight is None
        else [float(v) for v in sample_weight]
    )
    s_sum = sum(s)
    W_bars = [[[0.0] * len(W[0]) for _ in range(len(W))] for W in coefs]
    b_bars = [[0.0] * len(b) for b in intercepts]
    L = len(coefs)
    per_layer = [activation] * (L - 1) if isinstance(activation, str) else activation
    for n in range(n_samples):
        # forward, unit by unit
        a, zs = [list(map(float, X[n]))], []
        for l in range(L):
            W, b = coefs[l], intercepts[l]
            z = [
                sum(a[l][i] * W[i][j] for i in range(len(W))) + b[j]
                for j in range(len(b))
            ]
            zs.append(z)
            a.append([_phi(per_layer[l], zj) for zj in z] if l < L - 1 else z)
        y = _output(out_activation, zs[-1])
        # backward, weight by weight
        z_bar = _logit_error(out_activation, y, list(map(float, T[n])), s[n] / s_sum)
        for l in range(L - 1, -1, -1):
            W = coefs[l]
            for i in range(len(W)):
                for j in range(len(W[0])):
                    W_bars[l][i][j] += a[l][i] * z_bar[j]
            for j in range(len(z_bar)):
                b_bars[l][j] += z_bar[j]
            if l > 0:
                a_bar = [
                    sum(W[i][j] * z_bar[j] for j in range(len(z_bar)))
                    for i in range(len(W))
                ]
                z_bar = [
                    a_bar[i] * _phi_prime(per_layer[l - 1], zs[l - 1][i])
                    for i in range(len(W))
                ]
    for l, W in enumerate(coefs):
        for i in range(len(W)):
            for j in range(len(W[0])):
                W_bars[l][i][j] += alpha / s_sum * W[i][j]
    return W_bars, b_bars
