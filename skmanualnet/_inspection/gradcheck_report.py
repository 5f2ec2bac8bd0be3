"""What :func:`~skmanualnet.check_gradients` reports: the relative error of
each parameter group (a layer's W, b, γ, β …), the bands that judge it, and
the kinks its finite differences crossed."""

from dataclasses import dataclass

import numpy as np

#: Relative errors in float64: below FINE back-propagation agrees with the
#: finite differences to their own accuracy; above WRONG something is wrong;
#: in between, doubtful (a kink, a step too large or too small for the loss).
FINE, WRONG = 1e-7, 1e-4

BANDS = (
    f"float64 relative error: < {FINE:g} fine, {FINE:g} to {WRONG:g} doubtful, "
    f"> {WRONG:g} wrong"
)


def relative_error(analytic, numeric):
    """max |a − n| / max(|a|, |n|) over one group's parameters (0 for none)."""
    if np.size(analytic) == 0:
        return 0.0
    scale = max(np.abs(analytic).max(), np.abs(numeric).max(), np.finfo(float).tiny)
    return float(np.abs(analytic - numeric).max() / scale)


def verdict(error):
    """ "fine", "doubtful" or "wrong", by the bands :data:`FINE`, :data:`WRONG`."""
    if error < FINE:
        return "fine"
    return "wrong" if error > WRONG else "doubtful"


@dataclass(frozen=True)
class GroupError:
    """One parameter group's check: ``error`` over all its entries,
    ``error_without_kinks`` over those whose finite-difference step crossed no
    kink (the one ``verdict`` judges), and ``n_kinks``, the others."""

    layer: int
    name: str
    size: int
    error: float
    error_without_kinks: float
    n_kinks: int

    @property
    def verdict(self):
        return verdict(self.error_without_kinks)


def group_error(layer, name, analytic, numeric, kinked):
    """The :class:`GroupError` of one group's analytic and numeric gradients,
    ``kinked`` marking the entries whose step crossed a kink."""
    kinked = np.asarray(kinked, dtype=bool)
    clean = ~kinked
    return GroupError(
        layer, name, int(np.size(analytic)), relative_error(analytic, numeric),
        relative_error(analytic[clean], numeric[clean]), int(kinked.sum()),
    )  # fmt: skip


class GradientCheck(dict):
    """The errors of :func:`~skmanualnet.check_gradients`, as a dict
    (``"coefs"``, ``"intercepts"``, ``"layers"``), with the report by group.

    Attributes
    ----------
    groups : list of GroupError
        Each parameter group: its layer (from 1), name, size, relative error,
        error without the kinked entries, and number of kinked entries.
    n_kinks : int
        Parameters whose finite-difference step crossed a relu kink.
    bands : str
        The bands the verdicts use.
    """

    def __init__(self, errors, groups):
        super().__init__(errors)
        self.groups = groups
        self.n_kinks = sum(group.n_kinks for group in groups)
        self.bands = BANDS

    def report(self):
        """The check as a table, one line per parameter group, with verdicts."""
        lines = [f"Gradient check ({self.bands})"]
        lines.append(f"  {'layer':<6}{'group':<28}{'size':>6}  {'error':>9}  verdict")
        for g in self.groups:
            kinks = ""
            if g.n_kinks:
                kinks = (f"  ({g.n_kinks} step(s) crossed a relu kink, error "
                         f"{g.error:.1e} with them: not a bug)")  # fmt: skip
            lines.append(
                f"  {g.layer:<6}{g.name:<28}{g.size:>6}  "
                f"{g.error_without_kinks:9.1e}  {g.verdict}{kinks}"
            )
        return "\n".join(lines)

    def __str__(self):
        return self.report()


def kink_message(check, eps):
    """The warning for a check whose steps crossed kinks."""
    groups = ", ".join(f"{g.name}" for g in check.groups if g.n_kinks)
    return (
        f"check_gradients: the finite-difference step eps={eps:g} crossed a relu "
        f"kink (a pre-activation changed sign between θ + eps and θ − eps) for "
        f"{check.n_kinks} parameter(s), in {groups}. There the numerical "
        "gradient averages the slopes on both sides of the kink, and its error "
        "is not a bug; the verdicts leave these entries out. A smaller eps "
        "avoids most crossings."
    )
