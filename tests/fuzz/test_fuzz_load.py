"""The short fuzz run that is part of the normal suite (see fuzz_load.py and README)."""

from tests.fuzz.fuzz_load import fuzz_load_model, fuzz_load_weights


def test_mutated_keras_files_raise_only_load_errors():
    fuzz_load_model()


def test_mutated_weights_files_raise_only_load_errors():
    fuzz_load_weights()
