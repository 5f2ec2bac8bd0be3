"""Learning-rate schedules over the training progress p ∈ [0, 1].

p is the share of the call's training done: batch steps taken over
N = ``max_iter`` × batches per epoch, advanced at every batch step (not at
epoch ends), so that the step size falls smoothly within an epoch too::

    cosine:           η(p) = η₀ ½ (1 + cos(π p))
    flat_cosine:      η(p) = η₀ for p < ½, then η₀ ½ (1 + cos(π (2p − 1)))
    cosine_restarts:  η(p) = η₀ ½ (1 + cos(π q)), q the share of the current
                      cycle done; cycles of 1, 2, 4, 8 fifteenths of training

Each schedule is one pure function of (η₀, p); :class:`TrainingProgress`
counts p.
The epoch-level schedules of scikit-learn (invscaling, adaptive) stay in
``optimizers``.
"""

import math

#: cosine_restarts runs this many cosine cycles, each twice as long as the last.
RESTART_CYCLES = 4


def cosine_rate(learning_rate_init, progress):
    """η(p) = η₀ ½ (1 + cos(π p)): from η₀ at p = 0 down to 0 at p = 1."""
    return learning_rate_init * 0.5 * (1.0 + math.cos(math.pi * progress))


def flat_cosine_rate(learning_rate_init, progress):
    """η(p) = η₀ for p < ½, then η₀ ½ (1 + cos(π (2p − 1))): flat, then a
    cosine from η₀ to 0 over the second half."""
    if progress < 0.5:
        return float(learning_rate_init)
    return cosine_rate(learning_rate_init, 2.0 * progress - 1.0)


def cosine_restarts_rate(learning_rate_init, progress, n_cycles=RESTART_CYCLES):
    """η(p) = η₀ ½ (1 + cos(π q)) with q = u / 2ʲ − 1, u = 1 + (2ᶜ − 1) p and
    j = ⌊log₂ u⌋: c cosine cycles whose lengths double.

    Cycle j (j = 0 … c − 1) covers 2ʲ / (2ᶜ − 1) of training: with c = 4,
    1, 2, 4 and 8 fifteenths, restarting at p = 1/15, 3/15 and 7/15, where
    u = 2, 4, 8 (log-spaced points of u). q runs from 0 to 1 within each.
    """
    u = 1.0 + (2**n_cycles - 1) * progress
    j = min(math.frexp(u)[1] - 1, n_cycles - 1)  # ⌊log₂ u⌋, exact at powers of 2
    return cosine_rate(learning_rate_init, u / 2**j - 1.0)


#: The schedules that follow the training progress p, by ``learning_rate``.
PROGRESS_SCHEDULES = {
    "cosine": cosine_rate,
    "flat_cosine": flat_cosine_rate,
    "cosine_restarts": cosine_restarts_rate,
}


class TrainingProgress:
    """p = min(1, p₀ + k / N): the training progress of the next step (a
    mixin of the optimizers, whose state it is: plain numbers, pickled with them).

    k counts this call's batch steps, N = ``max_iter`` × batches per epoch of
    this call's rows, p₀ is where the call began: 0 for ``fit`` (a warm start
    too: each fit runs its schedule over its own ``max_iter`` epochs), and
    where the last call ended for ``partial_fit``, so that ``max_iter`` calls
    run one schedule. Before :meth:`start_schedule` (N unknown) p stays at p₀.
    """

    progress_start, progress_steps, progress_total = 0.0, 0, None

    @property
    def progress(self):
        """p = min(1, p₀ + k / N)."""
        if not self.progress_total:
            return self.progress_start
        return min(1.0, self.progress_start + self.progress_steps / self.progress_total)

    def start_schedule(self, total_steps, restart):
        """A call of N = ``total_steps`` steps begins, at p₀ = 0 (``restart``)
        or at the progress the last call reached."""
        self.progress_start = 0.0 if restart else self.progress
        self.progress_steps, self.progress_total = 0, int(total_steps)

    def tick_progress(self):
        """The progress p of the step about to be taken; then k ← k + 1."""
        progress = self.progress
        self.progress_steps += 1
        return progress
