"""Tests of kerasx.metrics against real Keras 3."""
