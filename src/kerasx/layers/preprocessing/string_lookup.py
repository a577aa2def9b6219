"""StringLookup: strings to integer indices (or back), computed on the host."""

from __future__ import annotations

from typing import Any

from kerasx.layers.preprocessing.index_lookup import IndexLookup
from kerasx.saving.registry import keras_export


@keras_export("keras.layers.StringLookup")
class StringLookup(IndexLookup):
    """Maps strings from a vocabulary (given or adapted) to indices.

    Works on every backend: tokens are matched in Python, indices come back as backend
    int64 tensors, and with ``invert=True`` strings come back as a NumPy object array.
    """

    _is_string = True

    def __init__(
        self,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        mask_token: str | None = None,
        oov_token: str = "[UNK]",
        vocabulary: Any = None,
        idf_weights: Any = None,
        invert: bool = False,
        output_mode: str = "int",
        pad_to_max_tokens: bool = False,
        sparse: bool = False,
        encoding: str = "utf-8",
        name: str | None = None,
        salt: Any = None,
        **kwargs: Any,
    ) -> None:
        # Set first: set_vocabulary (run by the base) decodes bytes with it.
        self.encoding = encoding
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=mask_token,
            oov_token=oov_token,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            pad_to_max_tokens=pad_to_max_tokens,
            sparse=sparse,
            name=name,
            salt=salt,
            vocabulary_dtype="string",
            **kwargs,
        )

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["vocabulary_dtype"]
        config["encoding"] = self.encoding
        return config
