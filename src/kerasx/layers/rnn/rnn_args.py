"""What SimpleRNN, LSTM and GRU share on top of RNN: they build their own cell from
the constructor arguments, expose the cell's settings as read-only attributes, and
store those settings (not the cell) in their config, as Keras 3 does."""

from __future__ import annotations

from typing import Any

from kerasx.saving.serialization import serialize_keras_object


class RecurrentLayerArgs:
    """Mixin for RNN subclasses that own a fixed cell class (``_cell_class``)."""

    _cell_class: Any = None
    _cell_name = "cell"
    _cell_arg_names: tuple[str, ...] = ()
    _takes_implementation = False

    def _make_cell(self, units: int, args: dict[str, Any], kwargs: dict[str, Any]) -> Any:
        cell_kwargs = {name: args[name] for name in self._cell_arg_names}
        if self._takes_implementation:
            cell_kwargs["implementation"] = kwargs.pop("implementation", 2)
        return self._cell_class(
            units,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name=self._cell_name,
            **cell_kwargs,
        )

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()  # type: ignore[misc]
        config.pop("cell", None)
        config.update(self.cell._cell_config())  # type: ignore[attr-defined]
        config["activity_regularizer"] = serialize_keras_object(self.activity_regularizer)  # type: ignore[attr-defined]
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> Any:
        config = dict(config)
        config.pop("implementation", None)
        return super().from_config(config)  # type: ignore[misc]


def _cell_property(name: str) -> property:
    return property(lambda self: getattr(self.cell, name), doc=f"The cell's `{name}`.")


for _name in (
    "units", "activation", "recurrent_activation", "use_bias", "unit_forget_bias",
    "kernel_initializer", "recurrent_initializer", "bias_initializer", "kernel_regularizer",
    "recurrent_regularizer", "bias_regularizer", "kernel_constraint", "recurrent_constraint",
    "bias_constraint", "dropout", "recurrent_dropout", "reset_after",
):  # fmt: skip
    setattr(RecurrentLayerArgs, _name, _cell_property(_name))
del _name
