"""The network as a sequence of layers, each a hand-derived forward/backward pair.

``layer.py`` holds the protocol every layer follows, one file per layer beside
it (``dense.py``, ``activation.py``, …), ``registry.py`` the layers by name and
``sequence.py`` the network they make: θ laid out from the layers' parameter
groups, the forward pass through the layers in order and the backward pass
through them in reverse.

Beside the layers: the dense network that the estimators train at their
defaults (``network.py``, held equal to a sequence of dense and activation
layers), the (φ, φ′) registry of activations (``activations.py``), the
initial weights (``init.py``), and the buffers and in-place numpy kernels
a pass writes into (``workspace.py``, ``kernels.py``).
"""
