"""``python -m kerasx run``: run a Keras / tf.keras program unchanged on kerasx.

The program runs in this process as ``__main__`` (through :mod:`runpy`) after
:func:`kerasx.compat.install`, with ``sys.argv`` set as if Python had started it.  The
backend is fixed when kerasx is first imported, which ``python -m kerasx`` has already
done; ``--backend`` therefore re-executes the interpreter with ``KERASX_BACKEND`` set
when it names a different backend.
"""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

USAGE = """\
usage: python -m kerasx run [--backend NAME] script.py [args ...]
       python -m kerasx run [--backend NAME] -m module [args ...]
       python -m kerasx run [--backend NAME] -c code [args ...]
       python -m kerasx --version

Runs a Keras / tf.keras program on kerasx: `import keras`, `import tensorflow as tf`
(tf.keras), `from tensorflow.keras import ...` all resolve to kerasx.  --backend picks
jax, torch, tensorflow or numpy (default: KERASX_BACKEND / KERAS_BACKEND / config).
"""

_REEXEC_FLAG = "_KERASX_RUN_REEXEC"


def _exit_code(exc: SystemExit) -> int:
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _run_as_main(run: Callable[[], Any], argv: list[str], path0: str | None) -> int:
    """Run with ``sys.argv``/``sys.path[0]`` set; the program's exit status as an int."""
    from kerasx import compat

    compat.install()
    saved_argv, saved_path = sys.argv[:], sys.path[:]
    sys.argv = argv
    if path0 is not None:
        if sys.path and sys.path[0] in ("", os.getcwd()):
            sys.path[0] = path0
        else:
            sys.path.insert(0, path0)
    try:
        run()
        return 0
    except SystemExit as exc:
        return _exit_code(exc)
    except KeyboardInterrupt:
        return 130
    except BaseException:  # the program's own error: report it like Python would
        traceback.print_exc()
        return 1
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
        sys.stdout.flush()


def run_script(path: str, args: Sequence[str] = ()) -> int:
    """Run the file ``path`` as ``__main__`` with ``args``; returns its exit code."""
    full = os.path.abspath(path)
    if not os.path.exists(full):
        print(f"kerasx run: can't open file {path!r}: no such file", file=sys.stderr)
        return 2
    directory = full if os.path.isdir(full) else os.path.dirname(full)
    return _run_as_main(lambda: runpy.run_path(full, run_name="__main__"), [path, *args], directory)


def run_module(name: str, args: Sequence[str] = ()) -> int:
    """Run module ``name`` like ``python -m name args``; returns its exit code."""
    return _run_as_main(
        lambda: runpy.run_module(name, run_name="__main__", alter_sys=True),
        [name, *args],
        os.getcwd(),
    )


def run_code(code: str, args: Sequence[str] = ()) -> int:
    """Run source ``code`` like ``python -c code args``; returns its exit code."""

    def run() -> None:
        namespace = {"__name__": "__main__", "__builtins__": __builtins__}
        exec(compile(code, "<string>", "exec"), namespace)  # noqa: S102

    return _run_as_main(run, ["-c", *args], "")


def _switch_backend(name: str, argv: list[str]) -> int | None:
    """Restart the interpreter on backend ``name`` if kerasx loaded another one."""
    from kerasx.backends import spec
    from kerasx.config import backend

    name = spec(name).name
    if backend() == name:
        return None
    if os.environ.get(_REEXEC_FLAG):
        print(
            f"kerasx run: asked for backend {name!r} but kerasx loaded {backend()!r}.",
            file=sys.stderr,
        )
        return 2
    env = dict(os.environ, KERASX_BACKEND=name, **{_REEXEC_FLAG: "1"})
    command = [sys.executable, "-m", "kerasx", *argv]
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execve(sys.executable, command, env)
    return subprocess.call(command, env=env)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point of ``python -m kerasx``; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE, end="")
        return 0 if argv else 2
    if argv[0] == "--version":
        from kerasx import __version__, config

        print(f"kerasx {__version__} (backend: {config.backend()})")
        return 0
    if argv[0] != "run":
        print(f"kerasx: unknown command {argv[0]!r}\n\n{USAGE}", file=sys.stderr, end="")
        return 2
    rest = argv[1:]
    backend_name, mode = None, None
    while rest and rest[0].startswith("-") and mode is None:
        opt = rest.pop(0)
        if opt in ("-h", "--help"):
            print(USAGE, end="")
            return 0
        if opt == "--backend" and rest:
            backend_name = rest.pop(0)
        elif opt.startswith("--backend="):
            backend_name = opt.split("=", 1)[1]
        elif opt in ("-c", "-m"):
            mode = opt
        else:
            print(f"kerasx run: bad option {opt!r}\n\n{USAGE}", file=sys.stderr, end="")
            return 2
    if not rest:
        print(f"kerasx run: nothing to run\n\n{USAGE}", file=sys.stderr, end="")
        return 2
    if backend_name is not None:
        try:
            switched = _switch_backend(backend_name, argv)
        except ValueError as err:
            print(f"kerasx run: {err}", file=sys.stderr)
            return 2
        if switched is not None:
            return switched
    target, args = rest[0], rest[1:]
    if mode == "-c":
        return run_code(target, args)
    if mode == "-m":
        return run_module(target, args)
    return run_script(target, args)
