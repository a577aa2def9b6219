"""``kerasx.datasets``: Keras's small example datasets, downloaded once and cached.

Each module has Keras's ``load_data`` (same arguments, URLs, hashes and returned
arrays).  Files go to ``$KERASX_HOME/datasets`` (default ``~/.kerasx/datasets``); on an
offline machine, copy the file there by hand (the error message names the exact path).
"""

from kerasx.datasets import (
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)

__all__ = [
    "boston_housing",
    "california_housing",
    "cifar10",
    "cifar100",
    "fashion_mnist",
    "imdb",
    "mnist",
    "reuters",
]
