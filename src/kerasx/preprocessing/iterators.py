"""Batch iterators behind ``ImageDataGenerator.flow`` and ``flow_from_directory``.

They are :class:`~kerasx.utils.PyDataset` subclasses, so ``model.fit(gen.flow(x, y))``
works on every backend, and also plain Python iterators that cycle forever as in
Keras 2 (``next(it)``).  Index order and seeding follow Keras 2 exactly (the global
NumPy RNG is re-seeded with ``seed + batches_seen`` before each batch), so a seeded
pipeline yields the same batches as it did under tf.keras.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Iterator as _PyIterator
from typing import Any

import numpy as np

from kerasx.backends.common.settings import floatx, image_data_format
from kerasx.preprocessing import image_io
from kerasx.saving.registry import keras_export
from kerasx.utils.py_dataset import PyDataset


@keras_export("keras.preprocessing.image.Iterator")
class Iterator(PyDataset):
    """Shared indexing for the image iterators: ``n`` samples in batches of
    ``batch_size``, reshuffled each epoch when ``shuffle``.  Subclasses implement
    ``_get_batches_of_transformed_samples(index_array)``."""

    white_list_formats = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")

    def __init__(self, n: int, batch_size: int, shuffle: bool, seed: int | None, **kwargs: Any):
        super().__init__(**kwargs)
        self.n = n
        self.batch_size = batch_size
        self.seed = seed
        self.shuffle = shuffle
        self.batch_index = 0
        self.total_batches_seen = 0
        self.lock = threading.Lock()
        self.index_array: np.ndarray | None = None
        self.index_generator = self._flow_index()

    def _set_index_array(self) -> None:
        self.index_array = np.random.permutation(self.n) if self.shuffle else np.arange(self.n)

    def _reseed(self) -> None:
        if self.seed is not None:
            np.random.seed(self.seed + self.total_batches_seen)

    def __getitem__(self, idx: int) -> Any:
        if idx >= len(self):
            raise ValueError(
                f"Asked to retrieve element {idx}, but the Sequence has length {len(self)}"
            )
        self._reseed()
        self.total_batches_seen += 1
        if self.index_array is None:
            self._set_index_array()
        assert self.index_array is not None
        chosen = self.index_array[self.batch_size * idx : self.batch_size * (idx + 1)]
        return self._get_batches_of_transformed_samples(chosen)

    def __len__(self) -> int:
        return (self.n + self.batch_size - 1) // self.batch_size

    def on_epoch_end(self) -> None:
        self._set_index_array()

    def reset(self) -> None:
        self.batch_index = 0

    def _flow_index(self) -> _PyIterator[np.ndarray]:
        """Endless index batches; the last batch of an epoch may be short."""
        self.reset()
        while True:
            self._reseed()
            if self.batch_index == 0:
                self._set_index_array()
            start = (self.batch_index * self.batch_size) % self.n if self.n else 0
            if self.n > start + self.batch_size:
                self.batch_index += 1
            else:
                self.batch_index = 0
            self.total_batches_seen += 1
            assert self.index_array is not None
            yield self.index_array[start : start + self.batch_size]

    def __iter__(self) -> Iterator:
        return self

    def __next__(self) -> Any:
        with self.lock:
            chosen = next(self.index_generator)
        return self._get_batches_of_transformed_samples(chosen)

    def _get_batches_of_transformed_samples(self, index_array: np.ndarray) -> Any:
        raise NotImplementedError


def _save_batch(batch_x: np.ndarray, index_array: np.ndarray, it: Any, hash_max: int) -> None:
    """Write augmented samples to ``save_to_dir`` for inspection (Keras file naming)."""
    for i, j in enumerate(index_array):
        img = image_io.array_to_img(batch_x[i], it.data_format, scale=True)
        name = f"{it.save_prefix}_{j}_{np.random.randint(hash_max)}.{it.save_format}"
        img.save(os.path.join(it.save_to_dir, name))


@keras_export("keras.preprocessing.image.NumpyArrayIterator")
class NumpyArrayIterator(Iterator):
    """Augmented batches from in-memory images ``x`` (rank 4), labels ``y`` and weights.

    ``x`` may be ``(images, extra)`` or ``(images, [extras...])``: the extra arrays are
    batched alongside without augmentation and the batch input becomes a list.
    """

    def __init__(
        self,
        x: Any,
        y: Any,
        image_data_generator: Any,
        batch_size: int = 32,
        shuffle: bool = False,
        sample_weight: Any = None,
        seed: int | None = None,
        data_format: str | None = None,
        save_to_dir: str | None = None,
        save_prefix: str = "",
        save_format: str = "png",
        subset: str | None = None,
        ignore_class_split: bool = False,
        dtype: str | None = None,
    ) -> None:
        data_format = data_format or image_data_format()
        self.dtype = dtype or floatx()
        extras: list[np.ndarray] = []
        if isinstance(x, (tuple, list)):
            extras = [np.asarray(a) for a in (x[1] if isinstance(x[1], list) else [x[1]])]
            x = x[0]
            for a in extras:
                if len(x) != len(a):
                    raise ValueError(
                        "All of the arrays in `x` should have the same length. Found a pair "
                        f"with: len(x[0]) = {len(x)}, len(x[?]) = {len(a)}"
                    )
        if y is not None and len(x) != len(y):
            raise ValueError(
                "`x` (images tensor) and `y` (labels) should have the same length. Found: "
                f"x.shape = {np.asarray(x).shape}, y.shape = {np.asarray(y).shape}"
            )
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError(
                "`x` (images tensor) and `sample_weight` should have the same length. Found: "
                f"x.shape = {np.asarray(x).shape}, "
                f"sample_weight.shape = {np.asarray(sample_weight).shape}"
            )
        if subset is not None:
            if subset not in ("training", "validation"):
                raise ValueError(
                    f'Invalid subset name: {subset}; expected "training" or "validation".'
                )
            # The first `validation_split` fraction is the validation subset.
            cut = int(len(x) * image_data_generator._validation_split)
            if (
                y is not None
                and not ignore_class_split
                and not np.array_equal(np.unique(y[:cut]), np.unique(y[cut:]))
            ):
                raise ValueError(
                    "Training and validation subsets have different number of classes after "
                    "the split. If your numpy arrays are sorted by the label, you might want "
                    "to shuffle them."
                )
            part = slice(None, cut) if subset == "validation" else slice(cut, None)
            x = x[part]
            extras = [np.asarray(a[part]) for a in extras]
            if y is not None:
                y = y[part]
        self.x = np.asarray(x, dtype=self.dtype)
        self.x_misc = extras
        if self.x.ndim != 4:
            raise ValueError(
                "Input data in `NumpyArrayIterator` should have rank 4. You passed an array "
                f"with shape {self.x.shape}"
            )
        channels_axis = 3 if data_format == "channels_last" else 1
        if self.x.shape[channels_axis] not in (1, 3, 4):
            warnings.warn(
                f'NumpyArrayIterator is set to use the data format convention "{data_format}" '
                f"(channels on axis {channels_axis}), i.e. expected either 1, 3, or 4 channels "
                f"on axis {channels_axis}. However, it was passed an array with shape "
                f"{self.x.shape} ({self.x.shape[channels_axis]} channels).",
                stacklevel=2,
            )
        self.y = None if y is None else np.asarray(y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        self.image_data_generator = image_data_generator
        self.data_format = data_format
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        super().__init__(self.x.shape[0], batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array: np.ndarray) -> Any:
        gen = self.image_data_generator
        batch_x = np.zeros((len(index_array), *self.x.shape[1:]), dtype=self.dtype)
        for i, j in enumerate(index_array):
            sample = self.x[j].astype(self.dtype)  # a copy: standardize works in place
            params = gen.get_random_transform(sample.shape)
            batch_x[i] = gen.standardize(gen.apply_transform(sample, params))
        if self.save_to_dir:
            _save_batch(batch_x, index_array, self, 10**4)
        inputs: Any = (
            batch_x if not self.x_misc else [batch_x] + [a[index_array] for a in self.x_misc]
        )
        if self.y is None:
            return inputs
        if self.sample_weight is None:
            return inputs, self.y[index_array]
        return inputs, self.y[index_array], self.sample_weight[index_array]


def _walk_images(directory: str, formats: tuple[str, ...], follow_links: bool):
    """``(root, filename)`` of every image below ``directory``, in sorted order."""
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links), key=lambda t: t[0]):
        for fname in sorted(files):
            lower = fname.lower()
            if lower.endswith(".tiff"):
                warnings.warn(
                    'Using ".tiff" files with multiple bands will cause distortion. '
                    "Please verify your output.",
                    stacklevel=2,
                )
            if lower.endswith(formats):
                yield root, fname


@keras_export("keras.preprocessing.image.DirectoryIterator")
class DirectoryIterator(Iterator):
    """Augmented batches read from ``directory/<class_name>/*.png|jpg|...``.

    Classes are the sub-directory names in sorted order (or ``classes``); with a
    ``subset``, the first ``validation_split`` fraction of each class's sorted files is
    the validation part.
    """

    allowed_class_modes = {"categorical", "binary", "sparse", "input", None}

    def __init__(
        self,
        directory: str,
        image_data_generator: Any,
        target_size: tuple[int, int] = (256, 256),
        color_mode: str = "rgb",
        classes: list[str] | None = None,
        class_mode: str | None = "categorical",
        batch_size: int = 32,
        shuffle: bool = True,
        seed: int | None = None,
        data_format: str | None = None,
        save_to_dir: str | None = None,
        save_prefix: str = "",
        save_format: str = "png",
        follow_links: bool = False,
        subset: str | None = None,
        interpolation: str = "nearest",
        keep_aspect_ratio: bool = False,
        dtype: str | None = None,
    ) -> None:
        self.data_format = data_format or image_data_format()
        self.dtype = dtype or floatx()
        self.image_data_generator = image_data_generator
        self.target_size = tuple(target_size)
        self.keep_aspect_ratio = keep_aspect_ratio
        channels = {"rgb": 3, "rgba": 4, "grayscale": 1}.get(color_mode)
        if channels is None:
            raise ValueError(
                f'Invalid color mode: {color_mode}; expected "rgb", "rgba", or "grayscale".'
            )
        self.color_mode = color_mode
        if self.data_format == "channels_last":
            self.image_shape = (*self.target_size, channels)
        else:
            self.image_shape = (channels, *self.target_size)
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        self.interpolation = interpolation
        if subset is None:
            self.split = None
        elif subset in ("validation", "training"):
            frac = image_data_generator._validation_split
            self.split = (0, frac) if subset == "validation" else (frac, 1)
        else:
            raise ValueError(f'Invalid subset name: {subset};expected "training" or "validation"')
        self.subset = subset
        if class_mode not in self.allowed_class_modes:
            raise ValueError(
                f"Invalid class_mode: {class_mode}; expected one of: {self.allowed_class_modes}"
            )
        self.class_mode = class_mode
        self.directory = directory
        if not classes:
            classes = [
                d
                for d in sorted(os.listdir(directory))
                if os.path.isdir(os.path.join(directory, d))
            ]
        self.num_classes = len(classes)
        self.class_indices = {name: i for i, name in enumerate(classes)}
        self.filenames: list[str] = []
        labels: list[int] = []
        for name in classes:
            class_dir = os.path.join(directory, name)
            found = list(_walk_images(class_dir, self.white_list_formats, follow_links))
            if self.split is not None:
                found = found[int(self.split[0] * len(found)) : int(self.split[1] * len(found))]
            for root, fname in found:
                rel = os.path.relpath(os.path.join(root, fname), class_dir)
                self.filenames.append(os.path.join(name, rel))
                labels.append(self.class_indices[name])
        self.samples = len(self.filenames)
        self.classes = np.asarray(labels, dtype="int32").reshape(self.samples)
        print(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        self._filepaths = [os.path.join(directory, f) for f in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    @property
    def filepaths(self) -> list[str]:
        return self._filepaths

    @property
    def labels(self) -> np.ndarray:
        return self.classes

    @property
    def sample_weight(self) -> None:
        return None

    def _get_batches_of_transformed_samples(self, index_array: np.ndarray) -> Any:
        gen = self.image_data_generator
        batch_x = np.zeros((len(index_array), *self.image_shape), dtype=self.dtype)
        for i, j in enumerate(index_array):
            img = image_io.load_img(
                self._filepaths[j],
                color_mode=self.color_mode,
                target_size=self.target_size,
                interpolation=self.interpolation,
                keep_aspect_ratio=self.keep_aspect_ratio,
            )
            sample = image_io.img_to_array(img, data_format=self.data_format)
            img.close()
            if gen:
                sample = gen.standardize(
                    gen.apply_transform(sample, gen.get_random_transform(sample.shape))
                )
            batch_x[i] = sample
        if self.save_to_dir:
            _save_batch(batch_x, index_array, self, 10**7)
        mode = self.class_mode
        if mode is None:
            return batch_x
        if mode == "input":
            batch_y = batch_x.copy()
        elif mode in ("binary", "sparse"):
            batch_y = self.classes[index_array].astype(self.dtype)
        else:
            batch_y = np.zeros((len(batch_x), len(self.class_indices)), dtype=self.dtype)
            batch_y[np.arange(len(batch_x)), self.classes[index_array]] = 1.0
        return batch_x, batch_y
