"""Put this folder on PYTHONPATH to make ``tensorflow`` unimportable in that process.

It simulates a machine without TensorFlow for the compat tests: a meta-path finder
refuses ``tensorflow`` and its submodules with ImportError, as if it were not installed.
"""

import importlib.abc
import sys


class _BlockTensorFlow(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname == "tensorflow" or fullname.startswith("tensorflow."):
            raise ModuleNotFoundError("tensorflow is blocked for this test", name=fullname)
        return None


sys.meta_path.insert(0, _BlockTensorFlow())
