"""Core layers: Input, Dense, Activation, Dropout, Flatten..."""
