"""The learner tools on every layer: the trace's dropout mask, batch
normalisation's two backward forms and the embedding rows a batch touches;
check_gradients by layer and parameter group, its error bands, and the relu
kinks its finite differences cross."""

import warnings
from types import SimpleNamespace

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skmanualnet import ManualMLPClassifier, check_gradients, trace_step
from skmanualnet._inspection.gradcheck import gradient_check
from skmanualnet._inspection.gradcheck_report import FINE, WRONG, verdict
from skmanualnet._inspection.inspected import inspected_problem
from skmanualnet._inspection.trace_layer_notes import layer_notes
from skmanualnet._nn.category_embedding import CategoryEmbedding

from ._data import make_task


def _layered_trace(**params):
    X, y = make_task("multiclass", n_samples=8)
    model = ManualMLPClassifier((4,), random_state=0, max_iter=5, **params)
    # fitted a few epochs: γ ≠ 1 and β ≠ 0, so a slip between ā and γ ⊙ ā shows
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    trace = trace_step(model, X, y)
    return trace, {step.name: step for step in trace.layers}


def test_the_trace_shows_the_dropout_mask_it_drew():
    trace, steps = _layered_trace(dropout=0.5)
    step = steps["dropout"]
    mask = step.details["mask"]
    assert set(np.unique(mask)) <= {0, 1}
    x = trace.layers[trace.layers.index(step) - 1].out
    assert_allclose(step.out, mask * x / (1 - 0.5))
    kept = int(mask.sum())
    assert 0 < kept < mask.size
    assert f"kept {kept} of {mask.size} units" in str(trace)
    assert "expected 1 − p = 50%" in str(trace)


def test_the_trace_holds_both_batch_norm_backward_forms_side_by_side():
    trace, steps = _layered_trace(normalization="batch")
    step, details = steps["batch_norm"], steps["batch_norm"].details
    assert not np.allclose(step.params["gamma"], 1.0)
    assert_allclose(details["x_hat_bar"], step.params["gamma"] * step.out_bar)
    # the closed form is the error the layer handed down ...
    assert_allclose(details["closed_form"], step.x_bar, rtol=1e-12)
    # ... and the graph's three paths give the same derivative
    assert_allclose(details["through_graph"], step.x_bar, rtol=1e-9, atol=1e-12)
    largest = np.abs(details["closed_form"] - details["through_graph"]).max()
    assert details["largest_difference"] == largest < 1e-12
    text = str(trace)
    assert "the closed form, which the layer uses" in text
    assert "x̄ = x̂̄/σ + (2/B) σ̄² (x − μ_B) + μ̄/B" in text
    assert "max |closed form − graph| =" in text


def test_with_sample_weights_the_graph_form_is_not_claimed():
    X, y = make_task("multiclass", n_samples=8)
    model = ManualMLPClassifier((4,), normalization="batch", random_state=0)
    trace = trace_step(model, X, y, sample_weight=np.arange(1.0, 9.0))
    step = next(s for s in trace.layers if s.name == "batch_norm")
    assert step.details == {} and "closed form −" not in str(trace)


def test_the_embedding_rows_a_batch_touches_are_named():
    layer = CategoryEmbedding(3, [1], [4], 2)
    step = SimpleNamespace(cache={"codes": np.array([[2], [0], [2]])})
    _, backward, details = layer_notes(layer, step)
    assert_array_equal(details["touched_rows"]["E0"], [0, 2])
    assert "rows [0, 2] touched, the others 0" in backward[0].equation


@pytest.mark.parametrize(
    "error, expected",
    [(1e-9, "fine"), (0.99 * FINE, "fine"), (1e-6, "doubtful"), (1e-3, "wrong")],
)
def test_the_error_bands(error, expected):
    assert (FINE, WRONG) == (1e-7, 1e-4)
    assert verdict(error) == expected


def test_the_bands_are_stated_in_the_docstring_and_the_report():
    doc = " ".join(check_gradients.__doc__.split())
    assert "below 1e-7 fine" in doc and "above 1e-4 wrong" in doc
    X, y = make_task("multiclass", n_samples=10)
    check = check_gradients(ManualMLPClassifier((3,), activation="tanh"), X, y)
    assert "< 1e-07 fine" in str(check) and "> 0.0001 wrong" in str(check)


def test_a_planted_slip_in_one_group_is_reported_there_alone():
    X, y = make_task("multiclass", n_samples=10)
    model = ManualMLPClassifier((3,), normalization="batch", random_state=0)
    network = inspected_problem(model, X, y)[1].network
    analytic = np.linspace(-1.0, 1.0, network.layout.size)
    numeric = analytic.copy()
    gamma = network.layout.unpack_layers(numeric)[1]["gamma"]
    gamma[1] += 1e-3  # a slip of 1e-3 in one entry of γ
    check = gradient_check(network, analytic, numeric, np.zeros(analytic.size, bool))
    verdicts = {(g.layer, g.name): g.verdict for g in check.groups}
    assert verdicts.pop((2, "batch_norm.gamma")) == "wrong"
    assert set(verdicts.values()) == {"fine"}
    assert check["layers"]["2 batch_norm.gamma"] > WRONG
    assert "2     batch_norm.gamma" in str(check)


def test_every_layer_and_group_is_reported():
    X, y = make_task("multiclass", n_samples=10)
    model = ManualMLPClassifier((3,), normalization="layer", activation="tanh",
                                random_state=0)  # fmt: skip
    check = check_gradients(model, X, y)
    names = [(g.layer, g.name) for g in check.groups]
    norm = [(2, "layer_norm.gamma"), (2, "layer_norm.beta")]
    assert names == [(1, "dense.W"), (1, "dense.b"), *norm, (4, "dense.W"),
                     (4, "dense.b")]  # fmt: skip
    assert [g.size for g in check.groups] == [12, 3, 3, 3, 9, 3]
    assert {g.verdict for g in check.groups} == {"fine"} and check.n_kinks == 0


def _on_a_kink(X, y):
    """A relu network whose first hidden unit's pre-activation for row 0 is
    1e-9: a step of 1e-6 in b¹₀ or in any W¹ᵢ₀ moves it across 0."""
    model = ManualMLPClassifier((3,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    z = X[0] @ model.coefs_[0][:, 0] + model.intercepts_[0][0]
    model.intercepts_[0][0] -= z - 1e-9
    return model


def test_a_step_across_a_relu_kink_is_found_and_excused():
    X, y = make_task("multiclass", n_samples=10)
    model = _on_a_kink(X, y)
    with pytest.warns(UserWarning, match=r"crossed a relu kink .* not a bug"):
        check = check_gradients(model, X, y, eps=1e-6)
    kinks = {g.name: g.n_kinks for g in check.groups}
    # exactly the parameters that feed unit 1 of layer 1
    assert kinks == {"W1": X.shape[1], "b1": 1, "W2": 0, "b2": 0}
    b1 = next(g for g in check.groups if g.name == "b1")
    assert b1.error > b1.error_without_kinks and b1.verdict == "fine"
    assert "crossed a relu kink" in str(check) and "not a bug" in str(check)


def test_a_layered_network_finds_its_kinks_too():
    X, y = make_task("multiclass", n_samples=10)
    relu = ManualMLPClassifier((3,), normalization="layer", random_state=0)
    with pytest.warns(UserWarning, match="crossed a relu kink"):
        check = check_gradients(relu, X, y, eps=0.3)
    assert check.n_kinks > 0
    smooth = relu.set_params(activation="tanh")
    assert check_gradients(smooth, X, y, eps=0.3).n_kinks == 0


def test_the_drawn_layers_cross_out_dropped_units_and_show_batch_statistics():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    trace, steps = _layered_trace(dropout=0.5, normalization="batch")
    figure = trace.plot(sample=1)
    ax = figure.axes[0]
    crosses = [c for c in ax.collections if c.get_label() == "dropped"]
    assert len(crosses) == 1  # one dropout layer
    mask = steps["dropout"].details["mask"][1]
    assert len(crosses[0].get_offsets()) == (mask == 0).sum() > 0
    texts = [t.get_text() for t in ax.texts]
    mu = np.ravel(steps["batch_norm"].cache["mu"])
    assert sum("μ=" in t for t in texts) == mu.size
    assert any(f"μ={mu[0]:.2f}" in t for t in texts)
    plt.close(figure)
