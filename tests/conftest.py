"""Fixtures shared by the test modules."""

import pytest


@pytest.fixture
def held_out(monkeypatch):
    """The held-out ValidationSet of every early-stopped fit, in order."""
    import skmanualnet._estimators.base as base

    recorded, split = [], base.split_validation

    def recording_split(*args):
        parts = split(*args)
        recorded.append(parts[1])
        return parts

    monkeypatch.setattr(base, "split_validation", recording_split)
    return recorded
