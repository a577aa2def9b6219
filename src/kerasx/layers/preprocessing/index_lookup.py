"""IndexLookup: the shared vocabulary engine of StringLookup and IntegerLookup.

Keras 3 keeps the vocabulary in TensorFlow hash tables; kerasx keeps it in a Python
dict on the host so the layers work on every backend without TensorFlow.  The index
layout, adapt ordering (count descending, ties by token descending), OOV bucketing
(floor-mod or FarmHash/SipHash, bit-compatible with TensorFlow), encodings and config
keys follow Keras 3 so configs and ``.keras`` files move between the two.
"""

from __future__ import annotations

import collections
import os
from typing import Any

import numpy as np

from kerasx.engine.keras_tensor import KerasTensor
from kerasx.layers.layer import Layer
from kerasx.layers.preprocessing import _farmhash, _host_data

_OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
_DROP = -1  # host-side index for masked tokens in non-int modes (dropped by encoding)


def loading_safely() -> bool:
    """True while a model is being loaded in safe mode (files outside the archive refused)."""
    from kerasx.saving import serialization

    return serialization.in_loading_scope() and bool(serialization.in_safe_mode())


def refuse_vocabulary_file(path: str) -> None:
    if loading_safely():
        raise ValueError(
            "Requested the loading of a vocabulary file outside of the model archive, which "
            "could read arbitrary files and is refused in safe mode. If you trust the source, "
            "pass `safe_mode=False` to the loading function or call "
            f"`kerasx.config.enable_unsafe_deserialization()`. Vocabulary file: '{path}'"
        )


def listify(x: Any) -> Any:
    """Arrays and tensors as lists for a JSON config."""
    if x is None or isinstance(x, (list, str)):
        return x
    if isinstance(x, tuple):
        return list(x)
    arr = _host_data.to_numpy(x)
    if arr.dtype.kind in "SO":
        return [v.decode() if isinstance(v, bytes) else v for v in arr.tolist()]
    return arr.tolist()


class IndexLookup(Layer):
    """Maps tokens to indices (or back, with ``invert``) and optionally encodes them.

    Index layout: ``[mask][oov * num_oov_indices][tokens...]``; the mask slot exists
    only with a ``mask_token`` in ``"int"`` mode.  Subclasses fix the token type.
    """

    _compiled_call_ok = False  # works on host NumPy values: cannot be traced

    _is_string = False

    def __init__(
        self,
        max_tokens: int | None,
        num_oov_indices: int,
        mask_token: Any,
        oov_token: Any,
        vocabulary_dtype: str,
        vocabulary: Any = None,
        idf_weights: Any = None,
        invert: bool = False,
        output_mode: str = "int",
        sparse: bool = False,
        pad_to_max_tokens: bool = False,
        oov_method: str = "floormod",
        name: str | None = None,
        salt: Any = None,
        **kwargs: Any,
    ) -> None:
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(
                f"If set, `max_tokens` must be greater than 1. Received: max_tokens={max_tokens}"
            )
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(
                f"If pad_to_max_tokens is True, must set `max_tokens`. Received: max_tokens={max_tokens}"
            )
        if num_oov_indices < 0:
            raise ValueError(
                f"`num_oov_indices` must be greater than or equal to 0. Received: num_oov_indices={num_oov_indices}"
            )
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(
                f"Unknown value for `oov_method`: {oov_method!r}. Expected 'floormod' or 'farmhash'."
            )
        if salt is not None:
            if not self._is_string and oov_method != "farmhash":
                raise ValueError(
                    f"`salt` can only be used when `oov_method='farmhash'`. Received: oov_method={oov_method}"
                )
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                salt = [int(s) for s in salt]
            elif isinstance(salt, int) and not isinstance(salt, bool):
                salt = [salt, salt]
            else:
                raise ValueError(
                    "The `salt` argument can only be a tuple of 2 integers, or a single "
                    f"integer. Received: salt={salt}."
                )
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if output_mode not in _OUTPUT_MODES:
            raise ValueError(
                f"Invalid value for argument `output_mode`. Expected one of {_OUTPUT_MODES}. Received: output_mode={output_mode!r}"
            )
        if invert and output_mode != "int":
            raise ValueError(
                f"`output_mode` must be `'int'` when `invert` is true. Received: output_mode={output_mode}"
            )
        if sparse:
            raise ValueError(
                "`sparse=True` is not supported by kerasx lookup layers (dense outputs only)."
            )
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(
                "`idf_weights` should only be set if `output_mode` is `'tf_idf'`. "
                f"Received: idf_weights={idf_weights} and output_mode={output_mode}"
            )
        frozen = kwargs.pop("vocabulary_size", None)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("trainable", None)
        kwargs.pop("dtype", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword argument(s): {kwargs}")
        super().__init__(name=name)
        self.invert = invert
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = sparse
        self.pad_to_max_tokens = pad_to_max_tokens
        self.vocabulary_dtype = vocabulary_dtype
        self.oov_method = oov_method
        self.salt = salt
        self._frozen_vocab_size = frozen
        # A path is not kept: the vocabulary then travels as an asset, like Keras.
        self.input_vocabulary = vocabulary if not isinstance(vocabulary, str) else None
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = has_input_vocabulary
        self._tokens: list[Any] = []
        self._index: dict[Any, int] = {}
        self._idf: np.ndarray | None = None
        self.reset_state()
        if output_mode == "tf_idf" and has_input_vocabulary and idf_weights is None:
            raise ValueError(
                "When specifying the `vocabulary` argument, in TF-IDF output mode, the "
                "`idf_weights` argument must also be provided."
            )
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # Keep raw (string) inputs on the host; Layer.__call__ would make backend tensors.
    def _convert_input(self, x: Any) -> Any:
        return x

    # ------------------------------------------------------------ index layout
    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    def _normalize(self, token: Any) -> Any:
        if self._is_string:
            return (
                token.decode(getattr(self, "encoding", "utf-8"))
                if isinstance(token, bytes)
                else str(token)
            )
        return int(token)

    def _host_tokens(self, x: Any) -> np.ndarray:
        if self._is_string:
            return _host_data.to_text_array(x, getattr(self, "encoding", "utf-8"))
        return _host_data.to_int_array(x)

    # -------------------------------------------------------------- vocabulary
    def vocabulary_size(self) -> int:
        """Size of the index space: mask and OOV slots plus the learned tokens."""
        return len(self._tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list[Any]:
        """Tokens in index order (index ``i`` of the list is output ``i`` of the layer)."""
        vocab = (
            [self.mask_token] * self._oov_start_index()
            + [self.oov_token] * self.num_oov_indices
            + list(self._tokens)
        )
        if not include_special_tokens:
            vocab = vocab[self._token_start_index() :]
        return vocab

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Replace the vocabulary (a list/array of tokens, or a text file with one per line)."""
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        elif idf_weights is not None:
            raise ValueError(
                "`idf_weights` should only be set if output_mode is `'tf_idf'`. "
                f"Received: output_mode={self.output_mode} and idf_weights={idf_weights}"
            )
        if isinstance(vocabulary, str):
            refuse_vocabulary_file(vocabulary)
            if not os.path.exists(vocabulary):
                raise ValueError(f"Vocabulary file {vocabulary} does not exist.")
            if self.output_mode == "tf_idf":
                raise ValueError(
                    "output_mode `'tf_idf'` does not support loading a vocabulary from file."
                )
            with open(vocabulary, encoding="utf-8") as f:
                lines = f.read().split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            vocabulary = lines
        values = [self._normalize(v) for v in _host_data.to_numpy(vocabulary).reshape(-1).tolist()]
        if not values:
            raise ValueError(f"Cannot set an empty vocabulary. Received: vocabulary={vocabulary}")
        start = self._token_start_index()
        special = [self.mask_token] * self._oov_start_index() + [
            self.oov_token
        ] * self.num_oov_indices
        found_special = values[:start] == special
        tokens = values[start:] if found_special else values
        repeated = [t for t, c in collections.Counter(tokens).items() if c > 1]
        if repeated:
            raise ValueError(
                "The passed vocabulary has at least one repeated term. Please uniquify your "
                f"dataset. The repeated terms are: {repeated}"
            )
        for label, token, check in (
            ("mask_token", self.mask_token, True),
            ("oov_token", self.oov_token, self.invert),
        ):
            if check and token is not None and token in tokens:
                raise ValueError(
                    f"Found reserved {label} at unexpected location in `vocabulary`. Either remove "
                    "all mask and OOV tokens, or include them only at the start of the vocabulary "
                    f"in precisely this order: {special}. Received: {label}={token!r}"
                )
        if self.max_tokens is not None and start + len(tokens) > self.max_tokens:
            raise ValueError(
                "Attempted to set a vocabulary larger than the maximum vocab size. Received "
                f"vocabulary size is {start + len(tokens)}; `max_tokens` is {self.max_tokens}."
            )
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            weights = _host_data.to_numpy(idf_weights).astype(np.float64)
            if weights.ndim != 1:
                raise ValueError(f"TF-IDF data must be a 1-index array. Received: {weights.shape}")
            if len(weights) != len(values):
                raise ValueError(
                    "`idf_weights` must be the same length as vocabulary. len(idf_weights) is "
                    f"{len(weights)}; len(vocabulary) is {len(values)}"
                )
            front = 0 if found_special else start
            front_value = float(np.average(weights)) if front else 0.0
            back = (self.max_tokens - front - len(weights)) if self.pad_to_max_tokens else 0
            self._idf = np.concatenate(
                [np.full(front, front_value), weights, np.zeros(max(back, 0))]
            ).astype(_host_data.floatx())

    def _set_tokens(self, tokens: list[Any]) -> None:
        self._tokens = list(tokens)
        start = self._token_start_index()
        self._index = {t: i + start for i, t in enumerate(self._tokens)}
        self._record_vocabulary_size()

    def _record_vocabulary_size(self) -> None:
        size = self.vocabulary_size()
        if (
            self.output_mode != "int"
            and not self.pad_to_max_tokens
            and self._frozen_vocab_size is not None
            and size != self._frozen_vocab_size
        ):
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, the "
                "vocabulary size cannot be changed after the layer is called. Old vocab size is "
                f"{self._frozen_vocab_size}, new vocab size is {size}"
            )
        self._frozen_vocab_size = size

    # -------------------------------------------------------------------- adapt
    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learn the vocabulary (and IDF weights) from data: an array or an iterable of batches."""
        self.reset_state()
        if _host_data.is_batch_container(data):
            arr = self._host_tokens(data)
            if arr.ndim == 1:
                arr = arr[:, None]
            self.update_state(arr)
        else:
            for batch in _host_data.iterate_batches(data, steps):
                self.update_state(batch)
        self.finalize_state()

    def reset_state(self) -> None:
        if self._has_input_vocabulary:
            return
        self._counts: collections.Counter = collections.Counter()
        self._doc_counts: collections.Counter = collections.Counter()
        self._num_docs = 0

    def update_state(self, data: Any) -> None:
        """Accumulate token counts; rows of ``data`` are documents (for TF-IDF)."""
        if self._has_input_vocabulary:
            raise ValueError(
                f"Cannot adapt layer '{self.name}' after setting a static vocabulary via "
                "`vocabulary` argument or `set_vocabulary()` method."
            )
        if isinstance(data, _Rows):
            rows = data.rows
        else:
            arr = self._host_tokens(data)
            if arr.ndim == 0:
                arr = arr[None]
            if arr.ndim == 1:
                arr = arr[None]
            rows = [r.reshape(-1).tolist() for r in arr]
        for row in rows:
            self._counts.update(row)
        if self.output_mode == "tf_idf":
            for row in rows:
                self._doc_counts.update(set(row))
            self._num_docs += len(rows)

    def finalize_state(self) -> None:
        if self._has_input_vocabulary or not self._counts:
            self._record_vocabulary_size()
            return
        for special in (self.mask_token, self.oov_token):
            if special is not None:
                self._counts.pop(self._normalize(special), None)
        ranked = sorted(self._counts.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
        if self.max_tokens:
            ranked = ranked[: self.max_tokens - self._token_start_index()]
        tokens = [t for t, _ in ranked]
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            docs = np.array([self._doc_counts[t] for t in tokens], dtype=np.float64)
            idf = np.log(1.0 + self._num_docs / (1.0 + docs)).astype(_host_data.floatx())
            mean = idf.mean(dtype=idf.dtype) if len(idf) else 0.0
            parts = [np.full(self._token_start_index(), mean, dtype=idf.dtype), idf]
            if self.pad_to_max_tokens and self.max_tokens is not None:
                parts.append(np.zeros(self.max_tokens - len(tokens) - self._token_start_index()))
            self._idf = np.concatenate(parts).astype(_host_data.floatx())
        self.reset_state()

    # --------------------------------------------------------------------- call
    def _lookup_flat(self, flat: list[Any]) -> np.ndarray:
        """Indices for a flat list of normalized tokens (non-inverted lookup)."""
        out = np.empty(len(flat), dtype=np.int64)
        oov_start = self._oov_start_index()
        mask = self.mask_token
        mask = None if mask is None else self._normalize(mask)
        mask_index = 0 if self.output_mode == "int" else _DROP
        missing = []
        for i, tok in enumerate(flat):
            if mask is not None and tok == mask:
                out[i] = mask_index
                continue
            idx = self._index.get(tok)
            if idx is not None:
                out[i] = idx
            elif self.num_oov_indices == 1:
                out[i] = oov_start
            elif self.num_oov_indices == 0:
                missing.append(tok)
                out[i] = -1
            else:
                out[i] = oov_start + self._oov_bucket(tok)
        if missing:
            raise ValueError(
                "When `num_oov_indices=0` all inputs should be in vocabulary, found OOV values "
                f"{missing[:10]}, consider setting `num_oov_indices=1`."
            )
        return out

    def _oov_bucket(self, tok: Any) -> int:
        n = self.num_oov_indices
        if not self._is_string and self.oov_method != "farmhash":
            return int(tok) % n
        return _farmhash.hash_buckets([tok], n, self.salt)[0]

    def _invert_flat(self, flat: np.ndarray) -> list[Any]:
        start = self._token_start_index()
        out = []
        for v in flat.tolist():
            if self.mask_token is not None and v == 0:
                out.append(self.mask_token)
            elif start <= v < start + len(self._tokens):
                out.append(self._tokens[v - start])
            else:
                out.append(self.oov_token)
        return out

    def _ensure_known_vocab_size(self) -> None:
        if self.output_mode == "int" or self.pad_to_max_tokens:
            return
        if self._frozen_vocab_size is None:
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, you "
                "must set the layer's vocabulary before calling it. Either pass a `vocabulary` "
                "argument to the layer, or call `adapt` with some sample data."
            )

    def _depth(self) -> int:
        return self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size

    def _encode(self, indices: np.ndarray) -> Any:
        """Turn host indices into the layer's output tensor for the current mode."""
        if self.output_mode == "int":
            return _host_data.to_backend(indices, "int64")
        # Like Keras: counts are int64 tensors; only TF-IDF weights are floats.
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        dtype = _host_data.floatx() if self.output_mode == "tf_idf" else "int64"
        out = _host_data.encode_categorical(indices, mode, self._depth(), dtype)
        if self.output_mode == "tf_idf":
            out = self._apply_idf(out)
        return _host_data.to_backend(out, dtype)

    def _apply_idf(self, counts: np.ndarray) -> np.ndarray:
        if self._idf is None:
            raise ValueError("When `output_mode` is `'tf_idf'`, `idf_weights` must be provided.")
        return (counts * self._idf).astype(counts.dtype)

    def call(self, inputs: Any) -> Any:
        self._ensure_known_vocab_size()
        if self.invert:
            arr = _host_data.to_int_array(inputs)
            flat = self._invert_flat(arr.reshape(-1))
            return np.array(flat, dtype=object).reshape(arr.shape)
        arr = self._host_tokens(inputs)
        indices = self._lookup_flat(arr.reshape(-1).tolist()).reshape(arr.shape)
        return self._encode(indices)

    def lookup_rows(self, rows: list[list[Any]]) -> list[list[int]]:
        """Indices for variable-length rows of tokens (used by TextVectorization)."""
        flat = [t for row in rows for t in row]
        idx = self._lookup_flat(flat).tolist()
        out, pos = [], 0
        for row in rows:
            out.append(idx[pos : pos + len(row)])
            pos += len(row)
        return out

    # ------------------------------------------------------------------ shapes
    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        if self.output_mode == "int":
            return tuple(input_shape)
        depth = self._depth()
        input_shape = tuple(input_shape)
        if self.output_mode == "one_hot":
            if len(input_shape) > 1 and input_shape[-1] == 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        return input_shape[:-1] + (depth,)

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> KerasTensor:
        if self.invert:
            dtype = self.vocabulary_dtype
        else:
            dtype = "int64" if self.output_mode == "int" else _host_data.floatx()
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=dtype)

    def get_build_config(self) -> dict[str, Any]:
        return {}

    def build_from_config(self, config: dict[str, Any]) -> None:
        self.built = True

    # ------------------------------------------------------------------ config
    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "invert": self.invert,
                "max_tokens": self.max_tokens,
                "num_oov_indices": self.num_oov_indices,
                "oov_token": self.oov_token,
                "mask_token": self.mask_token,
                "output_mode": self.output_mode,
                "sparse": self.sparse,
                "pad_to_max_tokens": self.pad_to_max_tokens,
                "vocabulary_dtype": self.vocabulary_dtype,
                "idf_weights": listify(self.input_idf_weights),
                "vocabulary": listify(self.input_vocabulary),
                "vocabulary_size": self._frozen_vocab_size,
                "oov_method": self.oov_method,
                "salt": self.salt,
            }
        )
        return config

    # --------------------------------------------------- .keras state (Keras layout)
    def save_own_variables(self, store: Any) -> None:
        """TF-IDF weights go in the weights file under ``idf_weights``, like Keras."""
        if self.output_mode == "tf_idf" and self._idf is not None:
            store["idf_weights"] = np.asarray(self._idf)

    def load_own_variables(self, store: Any) -> None:
        if self.output_mode == "tf_idf":
            self._idf = np.asarray(store["idf_weights"]).astype(_host_data.floatx())

    def save_assets(self, dir_path: str) -> None:
        """Adapted vocabularies go in ``vocabulary.txt`` (configs only hold given ones)."""
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(str(w) for w in self.get_vocabulary(include_special_tokens=True)))

    def load_assets(self, dir_path: str) -> None:
        """Read ``vocabulary.txt`` from the archive's asset folder for this layer."""
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), encoding="utf-8") as f:
            lines = f.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        values = lines if self._is_string else [int(v) for v in lines]
        if self.output_mode == "tf_idf":
            self.set_vocabulary(values, idf_weights=self._idf)
        else:
            self.set_vocabulary(values)


class _Rows:
    """Variable-length rows of tokens handed from TextVectorization to ``update_state``."""

    def __init__(self, rows: list[list[Any]]) -> None:
        self.rows = rows
