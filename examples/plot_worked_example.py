r"""
A worked example: back-propagation through x → h → z → y, with numbers
=======================================================================

:doc:`../derivation` derives back-propagation for the network

.. math::

   x \;\longrightarrow\; h = \varphi\big(W^{(1)} x + b^{(1)}\big)
     \;\longrightarrow\; z = W^{(2)} h + b^{(2)}
     \;\longrightarrow\; y = \operatorname{softmax}(z)
     \;\longrightarrow\; L = -\sum_k t_k \log y_k

This page runs it on numbers: three inputs, two hidden tanh units, three
classes, one sample. Every number below is computed by skmanualnet itself, by
:func:`~skmanualnet.trace_step` (the forward and backward pass that training
runs) and by :func:`~skmanualnet.check_gradients`, when this page is built.
"""

# %%
# The network and the sample
# --------------------------
# An unfitted ``ManualMLPClassifier`` is traced at the weights its
# ``random_state`` draws. ``alpha=0`` leaves out the L2 penalty, so that the
# gradients are exactly the derivation's; plain SGD (``momentum=0``) makes the
# update the derivation's :math:`W \leftarrow W - \eta \bar W`. The sample is
# :math:`x = (1, -0.5, 2)` of the second class (label 1 of 0, 1, 2), whose
# one-hot target is :math:`t = (0, 1, 0)`. (The maths counts units from 1, as
# in :math:`y_2`; numpy counts from 0, as in ``y[1]``.)
import matplotlib.pyplot as plt
import numpy as np

from skmanualnet import ManualMLPClassifier, check_gradients, trace_step

np.set_printoptions(precision=4, suppress=True)

model = ManualMLPClassifier(
    (2,),
    activation="tanh",
    alpha=0.0,
    solver="sgd",
    momentum=0.0,
    learning_rate_init=0.5,
    random_state=0,
)
x = np.array([[1.0, -0.5, 2.0]])
label = [1]
trace = trace_step(model, x, label, classes=[0, 1, 2])
t = trace.T[0]
print("t =", t)

# %%
# The code stores a layer's weights as scikit-learn does, one column per unit
# of the layer above (``coefs_[0]`` is :math:`3 \times 2`), because it works on
# a batch of samples stacked as rows. The derivation's column-vector weights
# are their transposes: :math:`W^{(1)} \in \mathbb{R}^{2 \times 3}` and
# :math:`W^{(2)} \in \mathbb{R}^{3 \times 2}`.
W1, b1 = trace.W[1].T, trace.b[1]
W2, b2 = trace.W[2].T, trace.b[2]
print(f"W⁽¹⁾ =\n{W1}\nb⁽¹⁾ = {b1}")
print(f"W⁽²⁾ =\n{W2}\nb⁽²⁾ = {b2}")

# %%
# Forward
# -------
# The hidden layer, :math:`h = \tanh\big(W^{(1)} x + b^{(1)}\big)`, its
# pre-activation first:
z1, h = trace.z[1][0], trace.a[1][0]
print("W⁽¹⁾x + b⁽¹⁾ =", z1)
print("h =", h)

# %%
# The logits :math:`z = W^{(2)} h + b^{(2)}` and the probabilities
# :math:`y_k = e^{z_k} / \sum_j e^{z_j}`, which sum to one:
z, y = trace.z[2][0], trace.y[0]
print("z =", z)
print("y = softmax(z) =", y, " sum:", y.sum().round(12))

# %%
# The loss of one sample is the cross-entropy; with a one-hot :math:`t` only
# the true class counts, :math:`L = -\log y_2`:
print("L =", round(trace.loss, 4), "  -log y[1] =", round(-np.log(y[1]), 4))

# %%
# The softmax Jacobian
# --------------------
# By the quotient rule,
#
# .. math::
#
#    \frac{\partial y_i}{\partial z_j} = y_i (\delta_{ij} - y_j),
#    \qquad J = \operatorname{diag}(y) - y y^\top .
#
# For the :math:`y` above:
J = trace.jacobian[0]
print(f"J =\n{J}")
print("diag(y) - y yᵀ equals J:", np.allclose(J, np.diag(y) - np.outer(y, y)))
print("column sums:", J.sum(axis=0).round(12))

# %%
# Its columns sum to zero: the probabilities always sum to one, so no change
# of a logit changes their total.
#
# From ȳ to z̄: the vector-Jacobian product
# -----------------------------------------
# The error signal at the output of the softmax is
# :math:`\bar y_k = \partial L / \partial y_k = -t_k / y_k`: zero for every
# class but the true one. (A batch of one sample has weight :math:`w = 1`; in
# a batch of :math:`B` samples each :math:`\bar y` carries :math:`1/B`.)
y_bar = trace.y_bar[0] + 0.0  # −t/y is −0.0 where t = 0; + 0.0 prints it as 0
print("ȳ =", y_bar, "  -1 / y[1] =", round(-1 / y[1], 4))

# %%
# The chain rule sums over every path from :math:`z_j` through the
# :math:`y_i` to the loss, :math:`\bar z = J^\top \bar y`:
z_bar_jacobian = trace.z_bar_jacobian[0]
print("z̄ = Jᵀȳ =", z_bar_jacobian)

# %%
# Written out, :math:`\bar z_j = \sum_i (-t_i / y_i)\, y_i (\delta_{ij} - y_j)
# = -t_j + y_j \sum_i t_i`, and since the targets sum to one this collapses to
# the fused form that training uses:
#
# .. math::
#
#    \bar z = y - t
z_bar = trace.z_bar_fused[0]
print("y - t =", y - t)
print("z̄ (fused, as trained) =", z_bar)
print("largest difference:", np.abs(z_bar - z_bar_jacobian).max())

# %%
# The output weights: W̄⁽²⁾ = z̄ hᵀ
# --------------------------------
# :math:`z_k = \sum_j W^{(2)}_{kj} h_j + b^{(2)}_k`, so
# :math:`\partial L / \partial W^{(2)}_{kj} = \bar z_k h_j`: an outer product,
# and :math:`\bar b^{(2)} = \bar z`.
W2_bar = np.outer(z_bar, h)
print(f"z̄ hᵀ =\n{W2_bar}")
print(f"the package's W̄⁽²⁾, transposed back:\n{trace.W_bar[2].T}")
print("b̄⁽²⁾ =", trace.b_bar[2])

# %%
# Back to the hidden layer
# ------------------------
# The error reaching :math:`h` is :math:`\bar h = W^{(2)\top} \bar z`; through
# :math:`\tanh' = 1 - h^2` it becomes the error at the hidden pre-activation,
# and :math:`\bar W^{(1)} = \bar z^{(1)} x^\top`:
h_bar = W2.T @ z_bar
print("h̄ = W⁽²⁾ᵀ z̄ =", h_bar, "  package:", trace.a_bar[1][0])
print("1 - h² =", 1 - h**2, "  package φ′:", trace.phi_prime[1][0])
z1_bar = trace.z_bar[1][0]
print("z̄⁽¹⁾ = h̄ ⊙ (1 - h²) =", z1_bar)
print(f"z̄⁽¹⁾ xᵀ =\n{np.outer(z1_bar, x[0])}")
print(f"the package's W̄⁽¹⁾, transposed back:\n{trace.W_bar[1].T}")

# %%
# Every one of these gradients agrees with a central finite difference of the
# loss, :math:`(L(\theta + \varepsilon) - L(\theta - \varepsilon)) / 2\varepsilon`,
# to about the accuracy such a difference can reach (the largest relative
# error per layer):
errors = check_gradients(model, x, label, classes=[0, 1, 2])
print({name: [f"{e:.0e}" for e in layers] for name, layers in errors.items()})

# %%
# The update
# ----------
# One step of plain SGD, :math:`W \leftarrow W - \eta \bar W` with
# :math:`\eta = 0.5`, moves the weights against their gradient
# (``trace.W_update`` is the step the model would take):
print(f"η W̄⁽²⁾ =\n{0.5 * trace.W_bar[2].T}")
print(f"ΔW⁽²⁾ =\n{trace.W_update[2].T}")
print(f"W⁽²⁾ after the step =\n{(trace.W[2] + trace.W_update[2]).T}")

# %%
# Take that step for real, with ``partial_fit`` on the same sample, and trace
# again: the probability of the true class has gone up and the loss down.
model.partial_fit(x, label, classes=[0, 1, 2])
after = trace_step(model, x, label)
print("W⁽²⁾ after partial_fit equals the traced step:",
      np.allclose(model.coefs_[1], trace.W[2] + trace.W_update[2]))  # fmt: skip
print(
    f"y[1]: {y[1]:.4f} -> {after.y[0, 1]:.4f};  L: {trace.loss:.4f} -> {after.loss:.4f}"
)

# %%
# The whole step at once
# ----------------------
# ``print(trace)`` shows all of the above in the order it was computed, each
# array with its shape and the equation it comes from:
print(trace)

# %%
# And :meth:`~skmanualnet.BackpropTrace.plot` draws the same sample as the
# computation graph, forward values above each unit, error signals below,
# each weight and its gradient on its edge:
trace.plot(0)
plt.show()

# %%
# The reader should see a Jacobian that matches diag(y) − y yᵀ with columns
# summing to zero, a ȳ that is zero except at the true class, z̄ = Jᵀȳ equal
# to y − t to rounding, W̄⁽²⁾ equal to the outer product z̄ hᵀ,
# finite-difference errors of 1e-9 or below, and one SGD step that raises the
# probability of the true class and lowers the loss.
