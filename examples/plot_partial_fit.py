"""
Learning from a stream with partial_fit
=======================================

When the data arrive in chunks, or do not fit in memory at once,
``ManualMLPClassifier.partial_fit`` trains on one chunk at a time: each call
runs one epoch of mini-batch SGD over the chunk it is given, starting from the
current weights and the optimizer's current state (momentum velocities, or
Adam's moments). Follow the test accuracy chunk after chunk, over several
passes through the stream.
"""

# %%
# The digits, split into a test set and a stream of 100-row chunks. Pixel
# intensities run from 0 to 16, so dividing by 16 scales every chunk the same
# way without having to see the whole stream first.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skmanualnet import ManualMLPClassifier

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_stream, X_test, y_stream, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
classes = np.unique(y)
chunk_size = 100


def chunks(X, y, size):
    """Yield consecutive (X, y) chunks of ``size`` rows, as a stream would."""
    for start in range(0, len(X), size):
        yield X[start : start + size], y[start : start + size]


# %%
# The first call must list every class the stream will ever contain, since the
# first chunk may miss some. ``batch_size=20`` gives five SGD steps per chunk.
# After each chunk, score the held-out test set; ``t_`` counts the training
# samples seen so far.
model = ManualMLPClassifier(hidden_layer_sizes=(64,), batch_size=20, random_state=0)
seen, accuracy = [], []
for n_pass in range(4):
    for X_chunk, y_chunk in chunks(X_stream, y_stream, chunk_size):
        model.partial_fit(X_chunk, y_chunk, classes=classes)
        seen.append(model.t_)
        accuracy.append(model.score(X_test, y_test))
    print(f"after pass {n_pass + 1}: test accuracy {accuracy[-1]:.3f}")

# %%
# For comparison, an ordinary ``fit`` on the whole training part at once, with
# the same network and batch size.
full = ManualMLPClassifier(hidden_layer_sizes=(64,), batch_size=20, random_state=0)
full.fit(X_stream, y_stream)
print(
    f"fit on everything: {full.n_iter_} epochs, "
    f"test accuracy {full.score(X_test, y_test):.3f}"
)

# %%
# Test accuracy against the number of samples streamed; the dotted lines mark
# the end of each pass through the stream.
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(seen, accuracy, marker=".", label="partial_fit, one chunk at a time")
ax.axhline(full.score(X_test, y_test), color="k", linestyle="--", label="one fit")
for n_pass in range(1, 4):
    ax.axvline(n_pass * len(X_stream), color="0.6", linestyle=":")
ax.set(xlabel="training samples seen (t_)", ylabel="test accuracy", ylim=(0, 1))
ax.set_title("Accuracy while streaming 100-row chunks of digits")
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()

# %%
# The reader should see the accuracy climb from about 0.2 after the first
# chunk to about 0.85 after five, reach about 0.93 by the end of the first
# pass, and settle around 0.96 over the next passes, just under the dashed
# line of one ``fit`` on all the data (about 0.97). That fit ran about 80
# epochs, so the stream's four passes saw twenty times fewer samples: the
# chunks add up to the same SGD, fed in pieces.
