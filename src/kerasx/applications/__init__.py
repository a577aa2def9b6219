"""``kerasx.applications``: ready-made ImageNet architectures with Keras's layer names.

``weights=None`` builds randomly initialised models; a path loads a weights file in
Keras's layout (``.weights.h5``, ``.keras`` or the legacy ``.h5`` the published
ImageNet files use); ``weights="imagenet"`` downloads the published file once into
``$KERASX_HOME/models`` through :func:`kerasx.utils.get_file`.
"""

from kerasx.applications import imagenet_utils, mobilenet_v2, resnet, resnet50, vgg16, vgg19
from kerasx.applications.mobilenet_v2 import MobileNetV2
from kerasx.applications.resnet import ResNet50, ResNet101, ResNet152
from kerasx.applications.vgg16 import VGG16
from kerasx.applications.vgg19 import VGG19

__all__ = [
    "MobileNetV2",
    "ResNet50",
    "ResNet101",
    "ResNet152",
    "VGG16",
    "VGG19",
    "imagenet_utils",
    "mobilenet_v2",
    "resnet",
    "resnet50",
    "vgg16",
    "vgg19",
]
