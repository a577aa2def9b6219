"""``kerasx.Model``: a layer that trains, evaluates, predicts, summarises and saves.

``Model(inputs, outputs)`` builds a :class:`~kerasx.models.functional.Functional`
model; subclassing ``Model`` and writing ``call`` gives a subclassed model.  Training
comes from :class:`~kerasx.trainers.trainer.Trainer`, shared by every backend.
"""

from __future__ import annotations

from typing import Any

from kerasx import _backend
from kerasx.layers.layer import Layer
from kerasx.models.compiled_call import DECLINED, compiled_model_call
from kerasx.saving.registry import keras_export
from kerasx.trainers.trainer import Trainer


@keras_export("keras.Model", "keras.models.Model")
class Model(Trainer, Layer):
    """Groups layers into an object with training and inference features."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls is Model and (("inputs" in kwargs and "outputs" in kwargs) or len(args) >= 2):
            from kerasx.models.functional import Functional

            return Functional.__new__(Functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        trainable = kwargs.pop("trainable", True)
        name = kwargs.pop("name", None)
        dtype = kwargs.pop("dtype", None)
        Layer.__init__(self, trainable=trainable, name=name, dtype=dtype, **kwargs)
        Trainer.__init__(self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if _backend.B.compile_eager_calls:
            graph = self._compiled_call_graph()
            if graph is not None:
                out = compiled_model_call(self, graph, args, kwargs)
                if out is not DECLINED:
                    return out
        return Layer.__call__(self, *args, **kwargs)

    def _compiled_call_graph(self) -> Any:
        """The Functional graph that ``call`` runs, when it only runs that graph
        (subclassed models: None, their ``call`` is user code)."""
        return None

    @property
    def layers(self) -> list[Layer]:
        return list(self._tracked_layers())

    def build(self, input_shape: Any = None) -> None:
        """Create the weights of a subclassed model by tracing ``call`` on symbolic inputs
        of ``input_shape`` (no data is computed where the backend traces abstractly)."""
        self.built = True
        if input_shape is None:
            return
        from kerasx.engine.keras_tensor import KerasTensor
        from kerasx.engine.operation import compute_output_spec

        def spec(shape: Any) -> Any:
            if isinstance(shape, dict):
                return {k: spec(v) for k, v in shape.items()}
            if (
                isinstance(shape, (list, tuple))
                and shape
                and isinstance(shape[0], (list, tuple, dict))
            ):
                return [spec(v) for v in shape]
            return KerasTensor(tuple(shape), self.compute_dtype)

        kwargs = {"training": False} if self._call_sig.has_training else {}
        compute_output_spec(self.call, spec(input_shape), **kwargs)
        self._build_shapes = {"input_shape": input_shape}

    def _maybe_build(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        # A subclassed model's sublayers build themselves during the first call.
        if type(self).build is Model.build:
            if not self.built:
                self._build_shapes = self._shapes_for_build(args, kwargs)
                self.built = True
            return
        super()._maybe_build(args, kwargs)

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        layers = self.layers
        if index is not None:
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"No such layer: {name}. Existing layers are: {[layer.name for layer in layers]}."
        )

    def summary(
        self,
        line_length: int | None = None,
        positions: Any = None,
        print_fn: Any = None,
        expand_nested: bool = False,
        show_trainable: bool = False,
        layer_range: Any = None,
    ) -> None:
        """Print a table of layers, output shapes and parameter counts."""
        from kerasx.utils.summary_utils import print_summary

        print_summary(
            self,
            line_length=line_length,
            print_fn=print_fn,
            expand_nested=expand_nested,
            show_trainable=show_trainable,
        )

    def save(
        self, filepath: Any, overwrite: bool = True, zipped: bool | None = None, **kwargs: Any
    ) -> None:
        """Save to a ``.keras`` file (Keras 3 format) or a legacy ``.h5`` file."""
        from kerasx.saving.saving_api import save_model

        save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    from kerasx.export.method import export  # Model.export(filepath, format=...)

    def save_weights(self, filepath: Any, overwrite: bool = True, **kwargs: Any) -> None:
        from kerasx.saving.saving_api import save_weights

        save_weights(self, filepath, overwrite=overwrite, **kwargs)

    def load_weights(self, filepath: Any, skip_mismatch: bool = False, **kwargs: Any) -> None:
        from kerasx.saving.saving_api import load_weights

        load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def to_json(self, **kwargs: Any) -> str:
        import json

        from kerasx.saving.serialization import serialize_keras_object

        return json.dumps(serialize_keras_object(self), **kwargs)

    def get_config(self) -> dict[str, Any]:
        return Layer.get_config(self)

    @classmethod
    def from_config(
        cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None
    ) -> Any:
        if "layers" in config and "input_layers" in config and "output_layers" in config:
            from kerasx.models.functional import Functional

            return Functional.from_config(config, custom_objects)
        return super().from_config(config)
