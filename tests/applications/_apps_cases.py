"""The application configurations compared with Keras 3 (shared with the reference
script, so both sides build exactly the same models).  Small inputs keep them fast."""

S = (32, 32, 3)

STRUCTURE_CASES = {
    "vgg16_notop": ("VGG16", {"include_top": False, "input_shape": S}),
    "vgg16_top": ("VGG16", {"include_top": True, "input_shape": S, "classes": 10}),
    "vgg19_max": ("VGG19", {"include_top": False, "input_shape": S, "pooling": "max"}),
    "resnet50_avg": ("ResNet50", {"include_top": False, "input_shape": S, "pooling": "avg"}),
    "resnet101_max": ("ResNet101", {"include_top": False, "input_shape": S, "pooling": "max"}),
    "resnet152": ("ResNet152", {"include_top": False, "input_shape": S}),
    "mnv2_none": ("MobileNetV2", {"include_top": False, "pooling": "avg"}),
    "mnv2_96": ("MobileNetV2", {"include_top": False, "input_shape": (96, 96, 3), "alpha": 1.3}),
}

PREDICT_CASES = {
    "vgg16": ("VGG16", {"include_top": False, "input_shape": S, "pooling": "max"}),
    "resnet50": ("ResNet50", {"include_top": True, "input_shape": S, "classes": 5}),
    "mnv2": ("MobileNetV2", {"include_top": True, "input_shape": S, "alpha": 0.35, "classes": 4}),
}
