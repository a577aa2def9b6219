"""TextVectorization: raw strings to token indices or bag-of-words vectors, on the host.

Standardization, splitting and n-grams follow TensorFlow's string ops as Keras 3 uses
them (ASCII-only lowercasing, ASCII punctuation set, ASCII whitespace), written in
Python so the layer runs on every backend; the vocabulary lives in a StringLookup kept
in ``_lookup_layer`` as in Keras, so ``.keras`` asset paths line up.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from kerasx.engine.keras_tensor import KerasTensor
from kerasx.layers.layer import Layer
from kerasx.layers.preprocessing import _host_data
from kerasx.layers.preprocessing.index_lookup import _Rows, listify
from kerasx.layers.preprocessing.string_lookup import StringLookup
from kerasx.saving.registry import keras_export

_PUNCTUATION = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'"
_STRIP = str.maketrans("", "", _PUNCTUATION)
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")
_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = ("whitespace", "character")


def _check_choice(value: Any, allowed: tuple[str, ...], arg: str) -> None:
    if value is None or callable(value) or value in allowed:
        return
    raise ValueError(
        f"Unknown value for `{arg}` argument of layer TextVectorization. Allowed values are: "
        f"{allowed}, None, or a callable. Received: {arg}={value!r}"
    )


def ngram_tokens(tokens: list[str], widths: tuple[int, ...]) -> list[str]:
    """All n-grams of each width in turn, joined by spaces (``tf.strings.ngrams``)."""
    out: list[str] = []
    for n in widths:
        out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


@keras_export("keras.layers.TextVectorization")
class TextVectorization(Layer):
    """Maps raw text to integer sequences or multi-hot / count / TF-IDF vectors.

    Inputs are strings of shape ``(batch,)`` or ``(batch, 1)`` (lists, NumPy arrays or
    TF tensors); outputs are backend tensors.  ``standardize``/``split`` callables get
    NumPy string arrays (a callable ``split`` maps one string to its tokens).
    """

    _compiled_call_ok = False  # works on host NumPy values: cannot be traced

    def __init__(
        self,
        max_tokens: int | None = None,
        standardize: str | Callable[..., Any] | None = "lower_and_strip_punctuation",
        split: str | Callable[..., Any] | None = "whitespace",
        ngrams: int | tuple[int, ...] | None = None,
        output_mode: str = "int",
        output_sequence_length: int | None = None,
        pad_to_max_tokens: bool = False,
        vocabulary: Any = None,
        idf_weights: Any = None,
        sparse: bool = False,
        ragged: bool = False,
        encoding: str = "utf-8",
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if sparse:
            raise ValueError("`sparse=True` is not supported by kerasx TextVectorization.")
        if ragged:
            raise ValueError("`ragged=True` is not supported by kerasx TextVectorization.")
        _check_choice(standardize, _STANDARDIZE, "standardize")
        _check_choice(split, _SPLIT, "split")
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        modes = ("int", "one_hot", "multi_hot", "count", "tf_idf")
        if output_mode not in modes:
            raise ValueError(
                f"Invalid value for argument `output_mode`. Expected one of {modes}. "
                f"Received: output_mode={output_mode!r}"
            )
        if not (
            ngrams is None
            or isinstance(ngrams, int)
            or (isinstance(ngrams, tuple) and all(isinstance(n, int) for n in ngrams))
        ):
            raise ValueError(
                f"`ngrams` must be None, an integer, or a tuple of integers. Received: ngrams={ngrams}"
            )
        if output_mode == "int" and not (
            output_sequence_length is None or isinstance(output_sequence_length, int)
        ):
            raise ValueError(
                "`output_sequence_length` must be either None or an integer when `output_mode` "
                f"is 'int'. Received: output_sequence_length={output_sequence_length}"
            )
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError(
                "`output_sequence_length` must not be set if `output_mode` is not 'int'. "
                f"Received output_sequence_length={output_sequence_length}."
            )
        self._max_tokens = max_tokens
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._ragged = ragged
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        has_vocab = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens,
            mask_token="",
            output_mode=output_mode,
            sparse=sparse,
            has_input_vocabulary=has_vocab,
            encoding=encoding,
            vocabulary_size=vocabulary_size,
        )

    def _convert_input(self, x: Any) -> Any:
        return x

    # -------------------------------------------------------------- preprocessing
    def _standardize_array(self, texts: np.ndarray) -> np.ndarray:
        mode = self._standardize
        if mode is None:
            return texts
        if callable(mode):
            result = _host_data.to_text_array(mode(texts.astype(str)), self._encoding)
            return result
        out = np.empty(texts.shape, dtype=object)
        flat_in, flat_out = texts.reshape(-1), out.reshape(-1)
        for i, t in enumerate(flat_in):
            if mode in ("lower", "lower_and_strip_punctuation"):
                t = t.translate(_LOWER)
            if mode in ("strip_punctuation", "lower_and_strip_punctuation"):
                t = t.translate(_STRIP)
            flat_out[i] = t
        return out

    def _split_one(self, text: str) -> list[str]:
        if self._split == "whitespace":
            return [t for t in _WHITESPACE.split(text) if t]
        if self._split == "character":
            return list(text)
        return [str(t) for t in _host_data.to_text_array(self._split(text)).reshape(-1)]

    def _preprocess(self, inputs: Any) -> np.ndarray | _Rows:
        """Standardized text, split into rows of tokens (or left whole when ``split=None``)."""
        texts = _host_data.to_text_array(inputs, self._encoding)
        texts = self._standardize_array(texts)
        if self._split is None:
            if self._ngrams is not None:
                raise ValueError("`ngrams` needs a `split` mode to form n-grams.")
            return texts
        if texts.ndim > 1:
            if texts.shape[-1] != 1:
                raise ValueError(
                    "When using `TextVectorization` to tokenize strings, the input rank must be 1 "
                    f"or the last shape dimension must be 1. Received: inputs.shape={texts.shape} "
                    f"with rank={texts.ndim}"
                )
            texts = texts[..., 0]
        if texts.ndim == 0:
            texts = texts[None]
        if texts.ndim != 1:
            raise ValueError(f"Expected a batch of strings, received shape {texts.shape}.")
        rows = [self._split_one(t) for t in texts.tolist()]
        if self._ngrams is not None:
            rows = [ngram_tokens(r, self._ngrams) for r in rows]
        return _Rows(rows)

    # ---------------------------------------------------------------------- adapt
    def adapt(self, data: Any, batch_size: int | None = None, steps: int | None = None) -> None:
        """Build the vocabulary from text: an array of strings or an iterable of batches."""
        self.reset_state()
        if _host_data.is_batch_container(data):
            texts = _host_data.to_text_array(data, self._encoding)
            if texts.ndim == 1:
                texts = texts[:, None]
            self.update_state(texts)
        else:
            for batch in _host_data.iterate_batches(data, steps):
                self.update_state(batch)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        self._lookup_layer.update_state(self._preprocess(data))

    def finalize_state(self) -> None:
        self._lookup_layer.finalize_state()

    def reset_state(self) -> None:
        self._lookup_layer.reset_state()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list[str]:
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # ----------------------------------------------------------------------- call
    def call(self, inputs: Any) -> Any:
        lookup = self._lookup_layer
        lookup._ensure_known_vocab_size()
        data = self._preprocess(inputs)
        if isinstance(data, np.ndarray):
            return lookup.call(data)
        rows = lookup.lookup_rows(data.rows)
        if self._output_mode != "int":
            depth = lookup._depth()
            if self._output_mode == "one_hot":
                raise ValueError(
                    "`output_mode='one_hot'` needs one token per sample; use `split=None`."
                )
            mode = "count" if self._output_mode == "tf_idf" else self._output_mode
            dtype = _host_data.floatx() if self._output_mode == "tf_idf" else "int64"
            out = _host_data.encode_rows(rows, mode, depth, dtype)
            if self._output_mode == "tf_idf":
                out = lookup._apply_idf(out)
            return _host_data.to_backend(out, dtype)
        length = self._output_sequence_length
        if length is None:
            length = max((len(r) for r in rows), default=0)
        out = np.zeros((len(rows), length), dtype=np.int64)
        for i, r in enumerate(rows):
            r = r[:length]
            out[i, : len(r)] = r
        return _host_data.to_backend(out, "int64")

    # --------------------------------------------------------------------- shapes
    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        if self._output_mode == "int":
            return (input_shape[0], self._output_sequence_length)
        if self._split is None:
            if len(input_shape) <= 1:
                input_shape = (*tuple(input_shape), 1)
        else:
            # The eager path squeezes a trailing axis of 1 before splitting; Keras 3's
            # symbolic shape forgets that and keeps it, which we do not copy.
            input_shape = tuple(input_shape)
            if len(input_shape) > 1 and input_shape[-1] == 1:
                input_shape = input_shape[:-1]
            input_shape = (*input_shape, None)
        return self._lookup_layer.compute_output_shape(input_shape)

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> KerasTensor:
        dtype = "int64" if self._output_mode == "int" else _host_data.floatx()
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=dtype)

    # --------------------------------------------------------------------- config
    def get_config(self) -> dict[str, Any]:
        from kerasx.saving.serialization import serialize_keras_object

        lookup = self._lookup_layer
        config = super().get_config()
        config.update(
            {
                "max_tokens": lookup.max_tokens,
                "standardize": self._standardize
                if self._standardize is None or isinstance(self._standardize, str)
                else serialize_keras_object(self._standardize),
                "split": self._split
                if self._split is None or isinstance(self._split, str)
                else serialize_keras_object(self._split),
                "ngrams": self._ngrams_arg,
                "output_mode": self._output_mode,
                "output_sequence_length": self._output_sequence_length,
                "pad_to_max_tokens": lookup.pad_to_max_tokens,
                "sparse": lookup.sparse,
                "ragged": self._ragged,
                "vocabulary": listify(lookup.input_vocabulary),
                "idf_weights": listify(lookup.input_idf_weights),
                "encoding": self._encoding,
                "vocabulary_size": self.vocabulary_size(),
            }
        )
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> TextVectorization:
        from kerasx.saving.serialization import deserialize_keras_object

        config = dict(config)
        for key in ("standardize", "split"):
            if config.get(key) is not None and not isinstance(config[key], str):
                config[key] = deserialize_keras_object(config[key])
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return super().from_config(config)

    # ------------------------------------------------- .keras state (Keras layout)
    def save_own_variables(self, store: Any) -> None:
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store: Any) -> None:
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path: str) -> None:
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path: str) -> None:
        self._lookup_layer.load_assets(dir_path)
