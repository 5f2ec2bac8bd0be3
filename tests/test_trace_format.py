"""How a trace reads: print(trace) in the order of computation, its HTML, its graph."""

import dataclasses
import re
import subprocess
import sys
from html.parser import HTMLParser

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skmanualnet import ManualMLPClassifier, ManualMLPRegressor, trace_step
from skmanualnet._heads.heads import HEADS, regression_head
from skmanualnet._inspection.inspected import inspected_problem
from skmanualnet._inspection.trace import trace_problem
from skmanualnet._inspection.trace_format import (
    at_layer,
    equation_of,
    loss_equation,
    sections,
    shown,
)
from skmanualnet._inspection.trace_plot import sample_graph

from ._data import TASKS, make_task


def _trace(task="multiclass", hidden=(4, 3), **params):
    X, y = make_task(task, n_samples=12, n_features=3)
    model = ManualMLPClassifier(hidden, random_state=0, **params)
    classes = np.unique(y) if y.ndim == 1 else None
    return trace_step(model, X[:4], y[:4], classes=classes)


def _positions(text, needles):
    """Where each needle first appears in text, after the previous one."""
    at, found = 0, []
    for needle in needles:
        at = text.index(needle, at)
        found.append(at)
    return found


@pytest.mark.parametrize("task", TASKS)
def test_print_follows_the_order_of_computation(task):
    text = str(_trace(task))
    order = [
        "Forward", "a⁰ = X", "W¹ = coefs_[0]", "b¹ = intercepts_[0]",
        "z¹ = a⁰ W¹ + b¹", "a¹ = φ(z¹)", "W² = coefs_[1]", "z² = a¹ W² + b²",
        "a² = φ(z²)", "W³ = coefs_[2]", "z³ = a² W³ + b³", "y = ", "t ",
        "Loss", "L = ", "Backward", "ȳ = ", "z̄³ = Jᵀ ȳ", "z̄³ = w ⊙ (y − t)",
        "W̄³ = (a²)ᵀ z̄³", "b̄³ = 1ᵀ z̄³", "ā² = z̄³ (W³)ᵀ", "φ′(z²)",
        "z̄² = ā² ⊙ φ′(z²)", "W̄² = (a¹)ᵀ z̄²", "b̄² = 1ᵀ z̄²", "ā¹ = z̄² (W²)ᵀ",
        "φ′(z¹)", "z̄¹ = ā¹ ⊙ φ′(z¹)", "W̄¹ = (a⁰)ᵀ z̄¹", "b̄¹ = 1ᵀ z̄¹",
        "Update", "ΔW¹", "W¹ + ΔW¹", "Δb¹", "b¹ + Δb¹", "ΔW³", "b³ + Δb³",
    ]  # fmt: skip
    positions = _positions(text, order)
    assert positions == sorted(positions)
    # J comes between ȳ and the Jacobian path
    assert positions[order.index("ȳ = ")] < text.index("Jacobian J", positions[16])
    assert text.index("Jacobian J") < positions[order.index("z̄³ = Jᵀ ȳ")]


def _values_after(text, equation):
    """The shape on an equation's line and the value block printed under it."""
    lines = text.splitlines()
    i = next(i for i, line in enumerate(lines) if line.strip().startswith(equation))
    shape = lines[i].split()[-2:]
    block = []
    for line in lines[i + 1 :]:
        if not line.startswith("      "):
            break
        block.append(line[6:])
    return " ".join(shape), block


@pytest.mark.parametrize("task", TASKS)
def test_every_value_is_printed_with_its_shape_under_its_equation(task):
    trace = _trace(task, hidden=(3,))
    text = str(trace)
    expected = {
        "a⁰ = X": trace.a[0], "W¹ = coefs_[0]": trace.W[1],
        "b² = intercepts_[1]": trace.b[2], "z¹ = a⁰ W¹ + b¹": trace.z[1],
        "a¹ = φ(z¹)": trace.a[1], "z² = a¹ W² + b²": trace.z[2], "y = ": trace.y,
        "ȳ = ": trace.y_bar, "z̄² = Jᵀ ȳ": trace.z_bar_jacobian,
        "z̄² = w ⊙ (y − t)": trace.z_bar_fused, "W̄² = ": trace.W_bar[2],
        "b̄² = ": trace.b_bar[2], "ā¹ = ": trace.a_bar[1],
        "φ′(z¹)": trace.phi_prime[1], "z̄¹ = ": trace.z_bar[1],
        "W̄¹ = ": trace.W_bar[1], "b̄¹ = ": trace.b_bar[1],
        "ΔW²": trace.W_update[2], "W² + ΔW²": trace.W[2] + trace.W_update[2],
        "Δb¹": trace.b_update[1],
    }  # fmt: skip
    for equation, value in expected.items():
        shape, block = _values_after(text, equation)
        assert str(value.shape).replace(" ", "") in shape.replace(" ", ""), equation
        assert shown(value) in "\n".join(block), equation
    J = np.ndim(trace.jacobian)
    assert str(trace.jacobian.shape) in text and J == (3 if task == "multiclass" else 2)
    assert f"= {trace.loss:.6g}" in text


def test_no_negative_zeros_and_the_batch_weight_is_said():
    trace = _trace("multiclass", hidden=(3,))
    assert (np.signbit(trace.y_bar) & (trace.y_bar == 0)).any()  # −0.0 in ȳ
    text = str(trace)
    assert not re.search(r"-0\.(?!\d*[1-9])", text)
    assert "ȳ includes each sample's weight w = 1/B = 1/4" in text
    X, y = make_task("multiclass", n_samples=4, n_features=3)
    weighted = trace_step(
        ManualMLPClassifier((3,), random_state=0), X, y, sample_weight=[1, 2, 3, 4]
    )
    assert_allclose(weighted.w, np.array([1, 2, 3, 4]) / 10)
    assert "ȳ includes each sample's weight w = s / Σs" in str(weighted)
    assert "Σs = 10" in str(weighted)


def test_the_loss_line_splits_data_term_and_penalty():
    trace = _trace("multiclass", hidden=(3,), alpha=0.5)
    penalty = 0.5 / (2 * 4) * sum(np.sum(W**2) for W in trace.W[1:])
    assert trace.penalty == pytest.approx(penalty, rel=1e-12)
    assert f"penalty {penalty:.6g}" in str(trace)
    assert f"data term {trace.loss - penalty:.6g}" in str(trace)


def test_equations_are_read_from_the_functions_that_compute_them():
    def f():
        """a = b + c, written into ``out``: the rest is prose."""

    def g():
        """v ← μ v − η W̄, then W ← W + v, or, with (a, b), more."""

    assert equation_of(f) == "a = b + c"
    assert equation_of(g) == "v ← μ v − η W̄, then W ← W + v"
    for head in EVERY_HEAD.values():
        assert loss_equation(head).startswith("L = ")
        assert equation_of(head.y_bar).startswith("ȳ = ")
        assert equation_of(head.error).startswith("z̄ᴸ = ")


REGRESSION_LOSSES = ("squared_error", "poisson", "absolute_error", "huber", "quantile")
EVERY_HEAD = {
    **HEADS,
    **{loss: regression_head(loss, quantile=0.8) for loss in REGRESSION_LOSSES},
}


def _swapped_head_trace(head, name):
    """A trace of a one-hidden-layer network whose output head is ``head``."""
    X, y = make_task("multiclass", n_samples=4, n_features=3)
    model, problem = inspected_problem(ManualMLPClassifier((3,), random_state=0), X, y)
    network = dataclasses.replace(problem.network, head=head)
    T = problem.T  # one-hot rows: Σₖ tₖ = 1, as the collapse Jᵀȳ = w (y − t) needs
    if name in REGRESSION_LOSSES:  # real-valued targets, positive for Poisson
        T = np.random.RandomState(0).uniform(0.5, 3.0, T.shape)
    return trace_problem(model, dataclasses.replace(problem, network=network, T=T))


@pytest.mark.parametrize("name", list(EVERY_HEAD))
def test_the_text_follows_the_output_head(name):
    head = EVERY_HEAD[name]
    trace = _swapped_head_trace(head, name)
    text = str(trace)
    for method in (head.link, head.y_bar, head.jacobian, head.error):
        assert at_layer(equation_of(method), 2) in text
    assert loss_equation(head) in text and "L = the loss of" not in text
    assert_allclose(trace.z_bar_jacobian, trace.z_bar_fused, atol=1e-15)
    if name in REGRESSION_LOSSES:  # nothing of the classification heads
        assert not re.search(r"softmax|σ\(|log y", text)


def test_the_update_section_names_the_optimizer_or_says_there_is_none():
    sgd = str(_trace(hidden=(3,), momentum=0.5, learning_rate_init=0.2))
    assert "Update (SGD, η = 0.2, μ = 0.5, Nesterov: v ← μ v − η W̄" in sgd
    adam = str(_trace(hidden=(3,), solver="adam"))
    assert "Update (Adam, η = 0.001" in adam and "β₁ = 0.9" in adam
    lbfgs = _trace(hidden=(3,), solver="lbfgs")
    assert "Update (none: L-BFGS" in str(lbfgs)
    assert [steps for title, _, steps in sections(lbfgs) if title == "Update"] == [[]]


class _Table(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.headings, self._in = 0, [], None

    def handle_starttag(self, tag, attrs):
        self.rows += tag == "tr"
        self._in = tag

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "h4":
            self.headings.append(data)


def test_html_shows_the_same_steps_as_tables():
    trace = _trace(hidden=(3,))
    page = trace._repr_html_()
    parser = _Table()
    parser.feed(page)
    assert parser.headings == ["Forward", "Loss", "Backward", "Update"]
    n_steps = sum(len(steps) for _, _, steps in sections(trace))
    assert parser.rows == n_steps + 4  # one header row per table
    assert "z̄² = Jᵀ ȳ" in page and shown(trace.W_bar[2]) + "</pre>" in page
    assert not re.search(r"-0\.(?!\d*[1-9])", page)


@pytest.mark.parametrize("task", TASKS)
def test_the_graph_of_a_sample_holds_its_values_and_error_signals(task):
    trace = _trace(task, hidden=(3,))
    columns, nodes, edges = sample_graph(trace, 2)
    K, L = trace.y.shape[1], 2
    assert len(columns) == L + 3  # x, h, z, y, L
    assert len(nodes) == 3 + 3 + K + K + 1
    by_name = {(node.column, node.row): node for node in nodes}
    assert by_name[(1, 1)].values == [
        ("$z$", trace.z[1][2, 1]),
        ("$h$", trace.a[1][2, 1]),
    ]
    assert by_name[(1, 1)].errors[1] == (r"$\bar{z}$", trace.z_bar[1][2, 1])
    assert by_name[(3, 0)].errors == [(r"$\bar{y}$", trace.y_bar[2, 0])]
    link = [e for e in edges if e.start[0] == L and e.end[0] == L + 1]
    assert len(link) == (K * K if task == "multiclass" else K)
    weighted = [e for e in edges if e.weight is not None]
    assert len(weighted) == 3 * 3 + 3 * K


def test_the_shares_on_the_edges_add_up_to_the_weight_gradient():
    trace = _trace("multiclass", hidden=(3,), alpha=0.3)
    for l in (1, 2):
        total = np.zeros_like(trace.W[l])
        for n in range(4):
            for edge in sample_graph(trace, n)[2]:
                if edge.weight is not None and edge.end[0] == l:
                    total[edge.start[1], edge.end[1]] += edge.share
                    assert edge.weight == trace.W[l][edge.start[1], edge.end[1]]
        penalty = 0.3 / 4 * trace.W[l]
        assert_allclose(total + penalty, trace.W_bar[l], rtol=1e-12, atol=1e-15)


def test_plot_returns_a_figure_with_the_numbers_on_it():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    trace = _trace("multiclass", hidden=(3,))
    figure = trace.plot(1)
    texts = [t.get_text() for ax in figure.axes for t in ax.texts]
    assert f"$y$ {trace.y[1, 0]:.2f}\n$t$ {trace.T[1, 0]:.2f}" in texts
    assert any(t.startswith(f"{trace.W[1][0, 0] + 0.0:.2f}\n") for t in texts)
    _, ax = plt.subplots()
    assert trace.plot(0, ax=ax, precision=3) is ax.figure
    assert any(f"{trace.z[2][0, 0]:.3f}" in t for t in (t.get_text() for t in ax.texts))
    plt.close("all")
    for bad in (4, -1, 1.0):
        with pytest.raises(ValueError, match=r"sample must be a row .* 0 … 3; got"):
            trace.plot(bad)


def test_importing_the_package_does_not_import_matplotlib():
    code = "import sys, skmanualnet; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


def test_a_regressor_trace_reads_and_draws_with_its_own_head():
    X, y = make_task("multiclass", n_samples=5, n_features=3)
    model = ManualMLPRegressor((3,), loss="huber", random_state=0)
    trace = trace_step(model, X, y.astype(float) + 0.5)
    text = str(trace)
    assert "y = z²" in text and "L = Σᵢ wᵢ Σₖ huber_δ(yᵢₖ − tᵢₖ)" in text
    assert "z̄² = w ⊙ clip(y − t, −δ, δ)" in text
    _, nodes, edges = sample_graph(trace, 0)
    assert len([e for e in edges if e.start[0] == 2 and e.end[0] == 3]) == 1
