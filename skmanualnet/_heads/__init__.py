"""Output heads: each a (link, loss) pair with its error signal z̄ᴸ at the logits,
the loss of the trivial predictor and how outputs become predictions
(``heads.py``), built from the links, losses and derivatives of ``losses.py``.
Nothing else in the package branches on the output activation.
"""
