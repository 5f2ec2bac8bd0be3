"""The tabular estimators' preprocessing: a table as it comes to numbers the
network takes (robust scaling and smooth clipping of numbers)."""
