"""Preprocessing layers (numeric, categorical, image and text)."""
