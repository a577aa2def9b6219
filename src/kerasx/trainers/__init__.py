"""The training loop shared by all backends."""
