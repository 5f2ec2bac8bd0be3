"""
Layers beyond the dense network: dropout, normalisation, embeddings
===================================================================

Six parameters add hand-derived layers to a ``ManualMLPClassifier``:
``dropout``, ``normalization``, ``input_scale``, ``input_embedding`` (with
``embedding_size``) and ``parametric_activation``. Each layer's backward pass
is derived on the derivation page and checked against finite differences.
Here we list the layers an option adds, check back-propagation through each,
and watch dropout and batch normalisation change how a wide network trains on
a small, noisy problem.
"""

# %%
# A noisy three-class problem: 20 features, 6 of them informative, 600
# training rows, standardised.
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skmanualnet import ManualMLPClassifier, check_gradients, trace_step

X, y = make_classification(
    n_samples=800, n_features=20, n_informative=6, n_redundant=2, n_classes=3,
    class_sep=0.8, flip_y=0.05, random_state=0,
)  # fmt: skip
X_train, _, y_train, _ = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
X_train = StandardScaler().fit_transform(X_train)

# %%
# Every option becomes layers of the network. ``trace_step`` runs one forward
# and backward pass and names each layer in computation order.
options = {
    "dense": {},
    "dropout=0.3": {"dropout": 0.3},
    'normalization="batch"': {"normalization": "batch"},
    'normalization="layer"': {"normalization": "layer"},
    "input_scale=True": {"input_scale": True},
    'input_embedding="periodic"': {"input_embedding": "periodic", "embedding_size": 4},
    'input_embedding="piecewise_linear"': {
        "input_embedding": "piecewise_linear",
        "embedding_size": 4,
    },
    "parametric_activation=True": {"parametric_activation": True},
}
for name, params in list(options.items())[1:]:  # the dense network: dense → φ → dense
    model = ManualMLPClassifier((16,), solver="adam", random_state=0, **params)
    trace = trace_step(model, X_train[:8], y_train[:8])
    print(f"{name:36} {' → '.join(layer.name for layer in trace.layers)}")

# %%
# Back-propagation through every layer agrees with central finite
# differences of the loss (the check perturbs each weight of a small network
# in turn, in float64).
for name, params in options.items():
    model = ManualMLPClassifier((6,), solver="adam", random_state=0, **params)
    errors = check_gradients(model, X_train[:12, :5], y_train[:12])
    print(f"{name:36} largest relative error below 1e-6: "
          f"{max(errors['coefs']) < 1e-6}")  # fmt: skip

# %%
# A wide network (two layers of 256 units) trained by Adam for 60 epochs
# memorises the training rows: its held-out loss turns up after a dozen
# epochs. ``early_stopping=True`` records the held-out loss
# (``validation_loss_curve_``); a patience of 60 epochs lets every curve run to
# the end (the ``ConvergenceWarning`` of the full 60 epochs is silenced).
fig, (train_ax, held_out_ax) = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for name in ("dense", "dropout=0.3", 'normalization="batch"'):
    model = ManualMLPClassifier(
        (256, 256), solver="adam", max_iter=60, early_stopping=True,
        n_iter_no_change=60, random_state=0, **options[name],
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    train_ax.plot(model.loss_curve_, label=name)
    held_out_ax.plot(model.validation_loss_curve_, label=name)
train_ax.set(title="training loss", xlabel="epoch", ylabel="cross-entropy")
held_out_ax.set(title="held-out loss", xlabel="epoch", yscale="log")
train_ax.set_yscale("log")
held_out_ax.legend()
plt.tight_layout()

# %%
# The dense network's held-out loss climbs back up as it memorises the
# training rows. Batch normalisation drives the training loss down fastest in
# the first epochs, and memorises as fast. Dropout's training loss stays above
# the others (every pass trains a thinned network) and its held-out loss stays
# the lowest, reaching its minimum much later. Each option is a trade: the
# layers beyond the dense network train on the numpy code, not the compiled
# kernels, and cost time per epoch (``benchmarks/bench_layers.py``).
