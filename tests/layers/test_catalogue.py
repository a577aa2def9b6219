"""The layer catalogue: size, the names the modeling issue lists, and Keras 3 names only."""

from __future__ import annotations

import inspect

import kerasx
from kerasx import layers

ISSUE_LAYERS = """
Dense EinsumDense Embedding Activation Lambda Identity Masking InputLayer
Conv1D Conv2D Conv3D SeparableConv1D SeparableConv2D DepthwiseConv1D DepthwiseConv2D
Conv1DTranspose Conv2DTranspose Conv3DTranspose
MaxPooling1D MaxPooling2D MaxPooling3D AveragePooling1D AveragePooling2D AveragePooling3D
GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D
GlobalAveragePooling1D GlobalAveragePooling2D GlobalAveragePooling3D
BatchNormalization LayerNormalization GroupNormalization UnitNormalization RMSNormalization
Dropout SpatialDropout1D SpatialDropout2D SpatialDropout3D GaussianNoise GaussianDropout
AlphaDropout ActivityRegularization
Flatten Reshape Permute RepeatVector Cropping1D Cropping2D Cropping3D
UpSampling1D UpSampling2D UpSampling3D ZeroPadding1D ZeroPadding2D ZeroPadding3D
Add Subtract Multiply Average Maximum Minimum Concatenate Dot
SimpleRNN LSTM GRU SimpleRNNCell LSTMCell GRUCell RNN StackedRNNCells Bidirectional
TimeDistributed ConvLSTM2D
Attention AdditiveAttention MultiHeadAttention GroupQueryAttention
ReLU LeakyReLU PReLU ELU Softmax
Normalization Rescaling Resizing CenterCrop RandomFlip RandomRotation RandomZoom
RandomTranslation RandomContrast RandomCrop Discretization CategoryEncoding Hashing
StringLookup IntegerLookup TextVectorization
""".split()

MERGE_FUNCTIONS = "add subtract multiply average maximum minimum concatenate dot".split()


def _public_layer_classes(module) -> dict[str, type]:
    return {
        name: obj
        for name, obj in vars(module).items()
        if inspect.isclass(obj) and issubclass(obj, module.Layer) and not name.startswith("_")
    }


def test_at_least_100_public_layer_classes():
    classes = _public_layer_classes(layers)
    assert len(classes) >= 100, sorted(classes)


def test_every_layer_the_issue_names_exists():
    missing = [n for n in ISSUE_LAYERS if not hasattr(layers, n)]
    assert not missing
    assert all(callable(getattr(layers, f)) for f in MERGE_FUNCTIONS)


def test_names_are_keras_names(oracle):
    """kerasx invents no layer names: each public class is also a keras.layers name."""
    ours = set(_public_layer_classes(layers))
    theirs = set(_public_layer_classes(oracle.layers))
    assert ours - theirs <= {"GroupedQueryAttention"}, sorted(ours - theirs)


def _init_params(cls) -> dict:
    """Constructor parameters, following ``**kwargs`` forwarding up the class chain."""
    params: dict = {}
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        sig = inspect.signature(init).parameters
        for arg, p in sig.items():
            params.setdefault(arg, p)
        if not any(p.kind == p.VAR_KEYWORD for p in sig.values()):
            break
    return params


def test_layers_are_constructible_with_keras_defaults(oracle):
    """Constructor argument names and defaults equal Keras 3's for the catalogue."""
    mismatched = []
    for name in ISSUE_LAYERS:
        ours = _init_params(getattr(layers, name))
        theirs = inspect.signature(getattr(oracle.layers, name).__init__).parameters
        for arg, p in theirs.items():
            if arg in ("self", "kwargs") or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                continue
            if arg not in ours:
                mismatched.append(f"{name}({arg}) missing")
            elif p.default is not p.empty and ours[arg].default != p.default:
                mismatched.append(f"{name}({arg}={ours[arg].default!r}, keras {p.default!r})")
    assert not mismatched, mismatched


def test_layer_namespace_is_lazy_and_kerasx_owned():
    assert kerasx.layers.Dense.__module__.startswith("kerasx.")
