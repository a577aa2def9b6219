"""Reshaping layers (Reshape, Permute, RepeatVector, Cropping*, UpSampling*,
ZeroPadding*), published through ``kerasx.layers``.  Flatten lives in ``layers.core``."""
