"""Convolution layers (published as ``kerasx.layers.Conv2D`` etc. by ``kerasx.layers``)."""
