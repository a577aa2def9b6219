"""BackupAndRestore: an interrupted fit resumes to the same result as an uninterrupted one."""

import json
import os

import numpy as np
import pytest
from cb_utils import data, fixed_weights, make_model

import kerasx
from conftest import requires_training


class Interrupt(kerasx.callbacks.Callback):
    """Simulates a crash at the start of ``epoch``."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise RuntimeError("simulated crash")


class EpochRecorder(kerasx.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epochs.append(epoch)


def _compiled(weights):
    model = make_model(weights)
    model.compile(kerasx.optimizers.Adam(0.05), "mse")
    return model


@requires_training
def test_interrupted_fit_resumes_to_same_weights(tmp_path):
    x, y = data()
    fit_args = dict(batch_size=4, epochs=6, shuffle=False, verbose=0)
    reference = _compiled(fixed_weights())
    reference.fit(x, y, **fit_args)

    backup = str(tmp_path / "backup")
    first = _compiled(fixed_weights())
    with pytest.raises(RuntimeError, match="simulated crash"):
        first.fit(
            x, y, callbacks=[kerasx.callbacks.BackupAndRestore(backup), Interrupt(3)], **fit_args
        )
    with open(os.path.join(backup, "training_metadata.json")) as f:
        assert json.load(f)["epoch"] == 3

    # A new process: fresh model with different initial weights, same callback settings.
    resumed = _compiled(fixed_weights(seed=99))
    recorder = EpochRecorder()
    resumed.fit(x, y, callbacks=[kerasx.callbacks.BackupAndRestore(backup), recorder], **fit_args)
    assert recorder.epochs == [3, 4, 5]
    for got, want in zip(resumed.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    # Adam's state came back too: iterations count all 6 epochs of 4 steps.
    assert int(resumed.optimizer.iterations.numpy()) == 24
    assert not os.path.exists(backup)  # deleted after a completed fit


def test_backup_files_double_checkpoint_and_fallback(tmp_path):
    backup = str(tmp_path / "bk")
    model = make_model()
    model.compile(kerasx.optimizers.SGD(0.1), "mse")
    cb = kerasx.callbacks.BackupAndRestore(backup, double_checkpoint=True, delete_checkpoint=False)
    cb.set_model(model)
    cb.on_train_begin()  # nothing to restore yet
    assert getattr(model, "_initial_epoch_override", None) is None
    epoch0 = [w + 1.0 for w in fixed_weights()]
    model.set_weights(epoch0)
    cb.on_epoch_end(0, {"loss": 1.0})
    model.set_weights([w + 2.0 for w in fixed_weights()])
    cb.on_epoch_end(1, {"loss": 1.0})
    cb.on_train_end()
    assert sorted(os.listdir(backup)) == [
        "latest.weights.h5",
        "latest.weights.h5.bkp",
        "training_metadata.json",
        "training_metadata.json.bkp",
    ]
    # The latest backup is corrupt (e.g. a crash while writing): fall back to the previous.
    with open(os.path.join(backup, "latest.weights.h5"), "wb") as f:
        f.write(b"not an hdf5 file")
    fresh = make_model()
    fresh.compile(kerasx.optimizers.SGD(0.1), "mse")
    restore = kerasx.callbacks.BackupAndRestore(backup)
    restore.set_model(fresh)
    restore.on_train_begin()
    for got, want in zip(fresh.get_weights(), epoch0):
        np.testing.assert_array_equal(got, want)
    assert fresh._initial_epoch_override == 1


def test_batch_level_saves_and_validation(tmp_path):
    backup = str(tmp_path / "bk")
    model = make_model()
    model.compile(kerasx.optimizers.SGD(0.1), "mse")
    cb = kerasx.callbacks.BackupAndRestore(backup, save_freq=2)
    cb.set_model(model)
    cb.on_train_begin()
    cb.on_epoch_begin(0)
    cb.on_train_batch_end(0)
    assert not os.path.exists(backup)
    cb.on_train_batch_end(1)
    with open(os.path.join(backup, "training_metadata.json")) as f:
        assert json.load(f) == {"epoch": 0, "batch": 1}
    cb.on_train_end()
    assert not os.path.exists(backup)
    with pytest.raises(ValueError, match="save_freq"):
        kerasx.callbacks.BackupAndRestore(backup, save_freq="batch")
    with pytest.raises(ValueError, match="Empty"):
        kerasx.callbacks.BackupAndRestore("")
