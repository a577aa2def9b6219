"""``keras.applications.resnet50``: the ResNet50 entry points under their own module."""

from kerasx.applications.resnet import ResNet50, decode_predictions, preprocess_input

__all__ = ["ResNet50", "decode_predictions", "preprocess_input"]
