"""Turn whatever the user passes to fit/evaluate/predict into batches.

Supported: NumPy arrays (and nested lists/tuples/dicts of them), pandas DataFrames and
Series, Python generators and iterables yielding batches, :class:`kerasx.utils.PyDataset`,
``tf.data.Dataset`` and ``torch.utils.data.DataLoader``.  Framework objects are
recognised by duck typing, so this module never imports a framework; their batches are
converted to NumPy.  Each epoch yields ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` tuples.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from kerasx.engine.operation import tree_flatten, tree_unflatten


def _is_dataframe(x: Any) -> bool:
    return type(x).__module__.startswith("pandas") and hasattr(x, "to_numpy")


def _to_numpy_tree(x: Any) -> Any:
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: _to_numpy_tree(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)) and not _looks_like_data(x):
        return type(x)(_to_numpy_tree(v) for v in x)
    if _is_dataframe(x):
        return x.to_numpy()
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "numpy") and callable(x.numpy):
        value = x.detach().cpu().numpy() if hasattr(x, "detach") else x.numpy()
        return np.asarray(value)
    return np.asarray(x)


def _looks_like_data(x: Any) -> bool:
    """A list of numbers (one array) rather than a list of arrays."""
    return (
        isinstance(x, (list, tuple))
        and len(x) > 0
        and isinstance(x[0], (int, float, bool, np.number))
    )


def is_framework_dataset(x: Any) -> bool:
    mod = type(x).__module__
    return (mod.startswith("tensorflow") and hasattr(x, "as_numpy_iterator")) or (
        mod.startswith("torch.utils.data") and hasattr(x, "__iter__")
    )


def unpack_batch(batch: Any) -> tuple[Any, Any, Any]:
    """``x`` / ``(x,)`` / ``(x, y)`` / ``(x, y, sample_weight)``."""
    if isinstance(batch, tuple):
        if len(batch) == 1:
            return batch[0], None, None
        if len(batch) == 2:
            return batch[0], batch[1], None
        if len(batch) == 3:
            return batch
        raise ValueError(
            f"Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, found: {batch!r}"
        )
    if (
        isinstance(batch, list)
        and len(batch) in (2, 3)
        and all(not _looks_like_data(b) for b in batch)
    ):
        return unpack_batch(tuple(batch))
    return batch, None, None


def pack_batch(x: Any, y: Any = None, sample_weight: Any = None) -> tuple[Any, ...]:
    """``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``: what ``train_step`` receives,
    as in Keras, so ``x, y = data`` works when there are no sample weights."""
    if sample_weight is not None:
        return (x, y, sample_weight)
    if y is not None:
        return (x, y)
    return (x,)


class ArrayAdapter:
    """In-memory arrays sliced into batches, optionally shuffled each epoch."""

    def __init__(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        batch_size: int | None = None,
        steps: int | None = None,
        shuffle: Any = False,
        class_weight: dict[int, float] | None = None,
    ) -> None:
        self.x = _to_numpy_tree(x)
        self.y = _to_numpy_tree(y)
        self.sample_weight = _to_numpy_tree(sample_weight)
        flat = [a for a in tree_flatten((self.x, self.y, self.sample_weight))[0] if a is not None]
        if not flat:
            raise ValueError("Expected input data `x`, received None.")
        sizes = {int(a.shape[0]) if np.ndim(a) else 1 for a in flat}
        if len(sizes) != 1:
            x_sizes = [int(a.shape[0]) for a in tree_flatten(self.x)[0] if a is not None]
            y_sizes = [int(a.shape[0]) for a in tree_flatten(self.y)[0] if a is not None]
            raise ValueError(
                "Data cardinality is ambiguous: all arrays must contain the same number of samples. "
                f"Received: x sizes: {x_sizes}, y sizes: {y_sizes}. Make sure x and y have the same length."
            )
        self.num_samples = sizes.pop()
        if self.num_samples == 0:
            raise ValueError(
                "Expected input data with at least one sample; received empty arrays (0 samples)."
            )
        if class_weight is not None and self.y is not None:
            self.sample_weight = _class_weights_to_sample_weights(
                self.y, class_weight, self.sample_weight
            )
        self.batch_size = int(batch_size or 32)
        self.shuffle = shuffle
        self.num_batches = math.ceil(self.num_samples / self.batch_size)
        self.steps = None if steps is None else int(steps)
        self.exhausted = False
        self._pass: Iterator[tuple[Any, Any, Any]] | None = None
        if self.steps is not None:
            self.num_batches = self.steps

    def __iter__(self) -> Iterator[tuple[Any, Any, Any]]:
        if self.steps is None:
            yield from self._one_pass()
            return
        # Like Keras: with steps_per_epoch, an epoch continues where the previous one
        # stopped, and the data running out interrupts training with a warning.
        if self._pass is None:
            self._pass = self._one_pass()
        for _ in range(self.steps):
            try:
                yield next(self._pass)
            except StopIteration:
                _warn_ran_out()
                self.exhausted = True
                return

    def _one_pass(self) -> Iterator[tuple[Any, Any, Any]]:
        n = self.num_samples
        if self.shuffle == "batch":
            starts = np.random.permutation(math.ceil(n / self.batch_size)) * self.batch_size
            order = None
        elif self.shuffle:
            order = np.random.permutation(n)
            starts = np.arange(0, n, self.batch_size)
        else:
            order = None
            starts = np.arange(0, n, self.batch_size)
        for start in starts:
            if order is not None:
                idx = order[start : start + self.batch_size]
                take = lambda a, idx=idx: None if a is None else a[idx]  # noqa: E731
            else:
                sl = slice(int(start), int(start) + self.batch_size)
                take = lambda a, sl=sl: None if a is None else a[sl]  # noqa: E731
            yield pack_batch(_map(take, self.x), _map(take, self.y), _map(take, self.sample_weight))


def _map(fn: Any, tree: Any) -> Any:
    if tree is None:
        return None
    leaves, tdef = tree_flatten(tree)
    return tree_unflatten(tdef, [fn(v) for v in leaves])


def _class_weights_to_sample_weights(
    y: Any, class_weight: dict[int, float], sample_weight: Any
) -> Any:
    if isinstance(y, (list, tuple, dict)):
        raise ValueError(
            "`class_weight` is only supported for models with a single output; use `sample_weight` for multi-output models."
        )
    labels = (
        np.argmax(y, axis=-1)
        if (y.ndim > 1 and y.shape[-1] > 1)
        else y.reshape(y.shape[0], -1)[:, 0]
    )
    labels = np.round(labels).astype("int64")
    weights = np.array([class_weight.get(int(c), 1.0) for c in labels], dtype="float32")
    if sample_weight is not None:
        weights = (
            weights * np.asarray(sample_weight, dtype="float32").reshape(weights.shape[0], -1)[:, 0]
        )
    return weights


class IterableAdapter:
    """Generators, PyDatasets, tf.data and torch DataLoaders: batches as they come."""

    def __init__(
        self, data: Any, steps: int | None = None, class_weight: dict[int, float] | None = None
    ) -> None:
        self.data = data
        self.steps = steps
        self.class_weight = class_weight
        self.num_batches = steps if steps is not None else _known_length(data)
        self._iterator: Iterator[Any] | None = None
        self.exhausted = False

    def _source(self) -> Iterator[Any]:
        data = self.data
        if hasattr(data, "as_numpy_iterator") and type(data).__module__.startswith("tensorflow"):
            return iter(data.as_numpy_iterator())
        if (
            hasattr(data, "__getitem__")
            and hasattr(data, "__len__")
            and hasattr(data, "on_epoch_end")
        ):
            return _pydataset_iter(data)
        return iter(data)

    def __iter__(self) -> Iterator[tuple[Any, Any, Any]]:
        if self.steps is None or self._iterator is None:
            self._iterator = self._source()
        count = 0
        while self.steps is None or count < self.steps:
            try:
                batch = next(self._iterator)
            except StopIteration:
                self._iterator = None
                if self.steps is not None and _is_generator(self.data) and count == 0:
                    raise ValueError(
                        "The data generator is exhausted: it yielded no batch."
                    ) from None
                if self.steps is not None:
                    _warn_ran_out()
                    self.exhausted = True
                break
            x, y, sw = unpack_batch(
                batch
                if isinstance(batch, tuple)
                else (tuple(batch) if isinstance(batch, list) and len(batch) in (2, 3) else batch)
            )
            x, y, sw = _to_numpy_tree(x), _to_numpy_tree(y), _to_numpy_tree(sw)
            if self.class_weight is not None and y is not None:
                sw = _class_weights_to_sample_weights(y, self.class_weight, sw)
            count += 1
            yield pack_batch(x, y, sw)
        if hasattr(self.data, "on_epoch_end"):
            self.data.on_epoch_end()


def _warn_ran_out() -> None:
    warnings.warn(
        "Your input ran out of data; interrupting training. Make sure that your dataset or "
        "generator can generate at least `steps_per_epoch * epochs` batches.",
        stacklevel=3,
    )


def _is_generator(data: Any) -> bool:
    return hasattr(data, "__next__")


def _known_length(data: Any) -> int | None:
    try:
        n = len(data)
    except TypeError:
        return None
    return int(n) if n is not None and n >= 0 else None


def _pydataset_iter(ds: Any) -> Iterator[Any]:
    workers = int(getattr(ds, "workers", 1) or 1)
    n = len(ds)
    if workers <= 1:
        for i in range(n):
            yield ds[i]
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        window = max(int(getattr(ds, "max_queue_size", 10) or 10), 1)
        futures = [pool.submit(ds.__getitem__, i) for i in range(min(window, n))]
        nxt = len(futures)
        for _ in range(n):
            result = futures.pop(0).result()
            if nxt < n:
                futures.append(pool.submit(ds.__getitem__, nxt))
                nxt += 1
            yield result


def get_adapter(
    x: Any,
    y: Any = None,
    sample_weight: Any = None,
    batch_size: int | None = None,
    steps: int | None = None,
    shuffle: Any = False,
    class_weight: dict[int, float] | None = None,
) -> ArrayAdapter | IterableAdapter:
    """Pick the adapter for ``x``; iterables may not come with ``y``."""
    iterable = (
        is_framework_dataset(x)
        or hasattr(x, "__next__")
        or (hasattr(x, "on_epoch_end") and hasattr(x, "__getitem__"))
    )
    if iterable:
        if y is not None:
            raise ValueError(
                f"When `x` is a dataset, generator or PyDataset, `y` must be None (targets come from `x`). Received: y of type {type(y).__name__}"
            )
        if sample_weight is not None:
            raise ValueError(
                "`sample_weight` is not supported when `x` is a dataset, generator or PyDataset; yield (x, y, sample_weight) instead."
            )
        return IterableAdapter(x, steps=steps, class_weight=class_weight)
    return ArrayAdapter(
        x,
        y,
        sample_weight,
        batch_size=batch_size,
        steps=steps,
        shuffle=shuffle,
        class_weight=class_weight,
    )


def train_validation_split(
    arrays: tuple[Any, Any, Any], validation_split: float
) -> tuple[tuple[Any, Any, Any], tuple[Any, Any, Any]]:
    """Split off the last ``validation_split`` fraction of each array (before shuffling)."""
    x, y, sw = (_to_numpy_tree(a) for a in arrays)
    flat = [a for a in tree_flatten((x, y, sw))[0] if a is not None]
    n = int(flat[0].shape[0])
    cut = int(math.floor(n * (1.0 - validation_split)))
    if cut == 0 or cut == n:
        raise ValueError(
            f"Training data contains {n} samples, which is not sufficient to split it into a validation and training set as specified by `validation_split={validation_split}`."
        )
    first = lambda a: None if a is None else a[:cut]  # noqa: E731
    second = lambda a: None if a is None else a[cut:]  # noqa: E731
    return (_map(first, x), _map(first, y), _map(first, sw)), (
        _map(second, x),
        _map(second, y),
        _map(second, sw),
    )
