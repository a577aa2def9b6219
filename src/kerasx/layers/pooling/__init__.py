"""Pooling layers (published as ``kerasx.layers.MaxPooling2D`` etc. by ``kerasx.layers``)."""
