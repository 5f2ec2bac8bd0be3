"""Tables as they come: the preprocessing (column kinds, robust scaling and
smooth clipping, encoders) and the tabular MLPs built on it."""
