"""plot_history writes real images; plot_model draws the layer graph or names the
missing pydot / Graphviz."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

import kerasx as keras
from kerasx.utils import model_to_dot, plot_history, plot_model

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_plot_history_writes_png(tmp_path):
    logs = {"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.6], "accuracy": [0.5, 0.7, 0.8]}
    path = tmp_path / "hist.png"
    fig = plot_history(logs, path)
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 2000
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["loss", "accuracy"]
    lines = fig.axes[0].get_lines()
    assert [ln.get_label() for ln in lines] == ["train", "validation"]
    np.testing.assert_allclose(lines[1].get_ydata(), logs["val_loss"])
    np.testing.assert_allclose(lines[0].get_xdata(), [1, 2, 3])


def test_plot_history_accepts_history_object_and_checks_input(tmp_path):
    hist = keras.callbacks.History()
    hist.history = {"loss": [0.9, 0.4]}
    hist.epoch = [0, 1]
    fig = plot_history(hist, tmp_path / "h.svg", metrics=["loss"])
    assert (tmp_path / "h.svg").read_text().lstrip().startswith("<?xml")
    assert len(fig.axes) == 1
    with pytest.raises(ValueError, match="Unknown metrics"):
        plot_history(hist, metrics=["auc"])
    with pytest.raises(ValueError, match="empty"):
        plot_history({})
    with pytest.raises(TypeError, match="fit"):
        plot_history([1, 2])


def test_plot_history_without_matplotlib(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    monkeypatch.setitem(sys.modules, "matplotlib.backends.backend_agg", None)
    with pytest.raises(ImportError, match=r"kerasx\[plot\]"):
        plot_history({"loss": [1.0]})


def _model():
    inp = keras.Input((3,), name="x_in")
    a = keras.layers.Dense(4, activation="relu", name="left")(inp)
    b = keras.layers.Dense(4, name="right")(inp)
    out = keras.layers.Add(name="sum")([a, b])
    return keras.Model(inp, out, name="two_branch")


class _FakeDot:
    """Records what model_to_dot builds; write() produces a file like pydot would."""

    def __init__(self, *args, **kwargs):
        self.nodes, self.edges, self.attrs, self.subgraphs = [], [], {}, []

    def set(self, key, value):
        self.attrs[key] = value

    def set_node_defaults(self, **kwargs):
        self.attrs["node"] = kwargs

    def add_node(self, node):
        self.nodes.append(node)

    def add_edge(self, edge):
        self.edges.append(edge)

    def add_subgraph(self, sub):
        self.subgraphs.append(sub)

    def write(self, path, format="raw"):
        with open(path, "wb") as fh:
            fh.write(PNG_MAGIC + f"{format}:{len(self.nodes)}".encode())

    @staticmethod
    def create(dot):
        return b""


def _fake_pydot(graphviz_ok=True):
    mod = types.ModuleType("pydot")
    mod.Dot = _FakeDot
    mod.Cluster = _FakeDot
    mod.Node = lambda name, label: types.SimpleNamespace(name=name, label=label)
    mod.Edge = lambda a, b: (a, b)
    if not graphviz_ok:

        class NoDot(_FakeDot):
            @staticmethod
            def create(dot):
                raise FileNotFoundError("dot not found in path")

        mod.Dot = NoDot
    return mod


def test_model_to_dot_graph_and_plot_model_file(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pydot", _fake_pydot())
    model = _model()
    dot = model_to_dot(model, show_shapes=True, show_layer_activations=True, rankdir="LR")
    labels = {n.name: n.label for n in dot.nodes}
    by_layer = {layer.name: str(id(layer)) for layer in model.layers}
    assert set(labels) == set(by_layer.values())
    assert "left (Dense)" in labels[by_layer["left"]]
    assert "activation: relu" in labels[by_layer["left"]]
    assert "output: (None, 4)" in labels[by_layer["sum"]]
    expected_edges = {
        (by_layer["x_in"], by_layer["left"]),
        (by_layer["x_in"], by_layer["right"]),
        (by_layer["left"], by_layer["sum"]),
        (by_layer["right"], by_layer["sum"]),
    }
    assert set(dot.edges) == expected_edges and len(dot.edges) == 4
    assert dot.attrs["rankdir"] == "LR"
    target = tmp_path / "model.png"
    assert plot_model(model, to_file=target, show_shapes=True) is None
    assert target.read_bytes() == PNG_MAGIC + b"png:4"
    seq = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3), keras.layers.Dense(1)])
    assert len(model_to_dot(seq).edges) == 2
    nested = keras.Sequential([keras.Input((3,)), model, keras.layers.Dense(1)])
    outer = model_to_dot(nested, expand_nested=True)
    assert len(outer.subgraphs) == 1 and len(outer.subgraphs[0].nodes) == 4


def test_plot_model_names_missing_pydot_or_graphviz(monkeypatch, tmp_path):
    model = _model()
    monkeypatch.setitem(sys.modules, "pydot", None)
    with pytest.raises(ImportError, match="pip install pydot"):
        plot_model(model, to_file=tmp_path / "m.png")
    monkeypatch.setitem(sys.modules, "pydot", _fake_pydot(graphviz_ok=False))
    with pytest.raises(ImportError, match="graphviz"):
        plot_model(model, to_file=tmp_path / "m.png")
    assert not (tmp_path / "m.png").exists()


def test_plot_model_with_what_is_installed(tmp_path):
    """Real pydot + Graphviz when present (a real PNG), else the clear error."""
    model = _model()
    target = tmp_path / "real.png"
    try:
        import pydot

        pydot.Dot.create(pydot.Dot())
        available = True
    except Exception:
        available = False
    if available:
        plot_model(model, to_file=target, show_shapes=True)
        assert target.read_bytes().startswith(PNG_MAGIC)
    else:
        with pytest.raises(ImportError, match="pydot|graphviz"):
            plot_model(model, to_file=target)
