"""The active backend instance, loaded once from :func:`kerasx.config.backend`.

Frontend modules reach the framework only through ``B``, an instance of
:class:`kerasx.backends.protocol.Backend`.
"""

from __future__ import annotations

from kerasx import config as _config
from kerasx.backends import Backend, load

B: Backend = load(_config.backend())
NAME: str = B.name
