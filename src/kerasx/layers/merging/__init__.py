"""Merging layers (Add, Concatenate, Dot...) and their functional forms (``add``, ``concatenate``...)."""
