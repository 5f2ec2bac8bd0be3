"""The network as a sequence of layers, each a hand-derived forward/backward pair.

``layer.py`` holds the protocol every layer follows, one file per layer beside
it (``dense.py``, ``activation.py``, …), ``registry.py`` the layers by name and
``sequence.py`` the network they make: θ laid out from the layers' parameter
groups, the forward pass through the layers in order and the backward pass
through them in reverse.
"""
