"""``python -m kerasx run script.py``: see :mod:`kerasx.compat.runner`."""

import sys

from kerasx.compat.runner import main

if __name__ == "__main__":
    sys.exit(main())
