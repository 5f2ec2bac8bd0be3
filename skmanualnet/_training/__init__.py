"""Training: the problem a fit solves (``problem.py``), the epoch loop of the
stochastic solvers (``epochs.py``) and L-BFGS (``lbfgs.py``), the optimizers and
their schedules, early stopping, divergence detection, per-epoch callbacks and
BLAS threads, and the choice (``accelerate.py``, ``config.py``) between the
numpy reference and the compiled kernels of ``_fast``, which sit beside what
they replace. The loops know the network and the optimizer, no estimator.
"""
