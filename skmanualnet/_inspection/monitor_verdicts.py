"""The rules of thumb a :class:`~skmanualnet.TrainingMonitor` record is read by,
as short sentences, and the record's last epoch as a small HTML table.

The rules (CS231n's notes, Karpathy's "makemore" lectures), each checked at
the last measured epoch and dated from the first epoch of the run of measured
epochs, up to the last, that break it:

- a relu layer with at least 25 % dead units;
- a tanh or logistic layer with at least 25 % saturated activations;
- an update ratio above 1e-2 (ten times the 1e-3 guide: steps too large) or
  below 1e-5 (a hundredth of it: learning has stalled);
- statistics that are not finite (the fit diverged).

Shares are printed as whole percents, ratios as bounds, so that a sentence
does not change with the last bits of a floating-point sum.
"""

import html

import numpy as np

#: At least this share of dead relu units, or of saturated activations, is flagged.
DEAD_LIMIT = 0.25
SATURATED_LIMIT = 0.25
#: Update ratios outside these bounds are flagged (the guide is 1e-3).
RATIO_HIGH, RATIO_LOW = 1e-2, 1e-5
#: What a record with no broken rule says.
HEALTHY = "No rule of thumb broken at epoch {epoch}."


def since(epochs, broken):
    """The first epoch of the last run of measured epochs that break a rule,
    or None when the last one does not."""
    if not broken[-1]:
        return None
    start = len(broken) - 1
    while start > 0 and broken[start - 1]:
        start -= 1
    return int(epochs[start])


def _percent(share):
    return f"{round(100 * share)} %"


def verdicts(record):
    """The sentences of the rules that the last measured epoch of ``record``
    breaks (an empty list when none is)."""
    epochs = record.array("epochs")
    if epochs.size == 0:
        return []
    found = []
    for name, checks in (
        ("dead_fraction", _dead),
        ("saturated_fraction", _saturated),
        ("update_ratio", _ratio),
    ):
        values = record.array(name)
        for l in range(values.shape[1]):
            found += checks(epochs, values[:, l], l + 1, record)
    diverged = [record.array(n)[-1] for n in ("activation_std", "gradient_norm")]
    if not all(np.all(np.isfinite(v)) for v in diverged):
        found.append(f"epoch {epochs[-1]}: statistics not finite, the fit diverged")
    return found


def _dead(epochs, dead, layer, record):
    first = since(epochs, dead >= DEAD_LIMIT)
    if first is None:
        return []
    return [
        f"layer {layer}: {_percent(dead[-1])} of relu units dead since epoch {first}"
    ]


def _saturated(epochs, saturated, layer, record):
    first = since(epochs, saturated >= SATURATED_LIMIT)
    if first is None:
        return []
    name = record.activations[layer - 1]
    bound = "|a| > 0.97" if name == "tanh" else "a < 0.03 or a > 0.97"
    return [
        f"layer {layer}: {_percent(saturated[-1])} of {name} activations "
        f"saturated ({bound}) since epoch {first}"
    ]


def _ratio(epochs, ratio, layer, record):
    high = since(epochs, ratio > RATIO_HIGH)
    if high is not None:
        return [
            f"W{layer}: update ratio above {RATIO_HIGH:.0e} (10 times the 1e-3 "
            f"guide) since epoch {high}: steps too large"
        ]
    low = since(epochs, ratio < RATIO_LOW)
    if low is not None:
        return [
            f"W{layer}: update ratio below {RATIO_LOW:.0e} since epoch {low}: "
            "learning has stalled"
        ]
    return []


def verdict_lines(record):
    """The verdicts, or the one healthy sentence when no rule is broken."""
    found = verdicts(record)
    epochs = record.array("epochs")
    last = int(epochs[-1]) if epochs.size else 0
    return found or [HEALTHY.format(epoch=last)]


def record_html(record):
    """The last measured epoch of ``record``, layer by layer, and its verdicts."""
    epochs = record.array("epochs")
    if epochs.size == 0:
        return "<p>TrainingMonitor: no epoch measured.</p>"
    hidden = [
        record.array(n)[-1]
        for n in (
            "activation_mean",
            "activation_std",
            "saturated_fraction",
            "dead_fraction",
        )
    ]
    weights = [record.array(n)[-1] for n in ("gradient_norm", "update_ratio")]
    head = ("layer", "φ", "mean a", "std a", "saturated", "dead", "‖W̄‖", "‖ΔW‖/‖W‖")
    rows = []
    for l in range(weights[0].size):
        inner = l < hidden[0].size
        cells = [f"{l + 1}", record.activations[l] if inner else "output"]
        cells += [_cell(v[l], share=k >= 2) if inner else "" for k, v in
                  enumerate(hidden)]  # fmt: skip
        cells += [f"{v[l]:.2e}" for v in weights]
        rows.append("".join(f"<td>{html.escape(c)}</td>" for c in cells))
    items = "".join(f"<li>{html.escape(v)}</li>" for v in verdict_lines(record))
    header = "".join(f"<th>{h}</th>" for h in head)
    body = "".join(f"<tr>{row}</tr>" for row in rows)
    return (
        f"<div><p>TrainingMonitor, {html.escape(record.estimator)}, epoch "
        f"{epochs[-1]}</p><table><tr>{header}</tr>{body}</table><ul>{items}</ul>"
        "</div>"
    )


def _cell(value, share):
    if np.isnan(value):
        return "–"
    return _percent(value) if share else f"{value:.3g}"
