"""Reference data from real Keras 3 for tests/applications (run as a subprocess).

Keras runs on its NumPy backend here: it builds these models in a couple of seconds,
where Keras-on-JAX compiles every initializer and needs about a minute on a busy CI
machine.  Usage: ``python _keras_reference.py OUTDIR``; writes OUTDIR/ref.json plus
weight files, inputs and predictions.
"""

from __future__ import annotations

import json
import os
import sys

os.environ["KERAS_BACKEND"] = "numpy"

import h5py  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from _apps_cases import PREDICT_CASES, STRUCTURE_CASES  # noqa: E402
from keras.src.applications import imagenet_utils, mobilenet_v2, resnet, vgg16  # noqa: E402
from keras.src.legacy.saving import legacy_h5_format  # noqa: E402


def describe(model):
    return {
        "name": model.name,
        "layers": [layer.name for layer in model.layers],
        "params": int(model.count_params()),
        "output_shape": list(model.output.shape),
        "input_shape": list(model.input.shape),
        "weight_paths": [w.path for w in model.weights],
    }


def main(out):
    rng = np.random.RandomState(0)
    ref = {"structure": {}, "predict": {}}
    for key, (fn, kwargs) in STRUCTURE_CASES.items():
        model = getattr(keras.applications, fn)(weights=None, **kwargs)
        ref["structure"][key] = describe(model)
    x = rng.uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    np.save(os.path.join(out, "x.npy"), x)
    for key, (fn, kwargs) in PREDICT_CASES.items():
        keras.utils.set_random_seed(1)
        model = getattr(keras.applications, fn)(weights=None, **kwargs)
        for w in model.weights:  # non-trivial BN statistics so a mix-up shows
            if "moving_" in w.path:
                w.assign(rng.uniform(0.5, 1.5, w.shape).astype("float32"))
        model.save_weights(os.path.join(out, f"{key}.weights.h5"))
        if key != "vgg16":  # VGG is big and has no branches: one file format is enough
            with h5py.File(os.path.join(out, f"{key}_legacy.h5"), "w") as f:
                legacy_h5_format.save_weights_to_hdf5_group(f, model)
        np.save(os.path.join(out, f"{key}_pred.npy"), np.asarray(model(x)))
        if key == "mnv2":
            np.savez(
                os.path.join(out, f"{key}_weights.npz"),
                **{w.path: np.asarray(w.numpy()) for w in model.weights},
            )
        ref["predict"][key] = describe(model)
    img = rng.uniform(0, 255, (2, 4, 5, 3)).astype("float32")
    np.save(os.path.join(out, "img.npy"), img)
    for mode in ("caffe", "tf", "torch"):
        for fmt in ("channels_last", "channels_first"):
            arr = img if fmt == "channels_last" else img.transpose(0, 3, 1, 2)
            res = imagenet_utils.preprocess_input(arr.copy(), data_format=fmt, mode=mode)
            np.save(os.path.join(out, f"pre_{mode}_{fmt}.npy"), res)
    ref["urls"] = {
        "vgg16_notop": vgg16.WEIGHTS_PATH_NO_TOP,
        "resnet_base": resnet.BASE_WEIGHTS_PATH,
        "resnet50_hashes": list(resnet.WEIGHTS_HASHES["resnet50"]),
        "mobilenet_v2_base": mobilenet_v2.BASE_WEIGHT_PATH,
        "class_index": imagenet_utils.CLASS_INDEX_PATH,
    }
    with open(os.path.join(out, "ref.json"), "w") as f:
        json.dump(ref, f)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main(sys.argv[1])
