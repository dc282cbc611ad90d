"""Run the `allsource-tui` command line in this process: ``main(argv)`` with the environment, stdin, stdout and stderr
of a child process swapped in, answered as a ``subprocess.CompletedProcess``.

For suites of many CLI calls against the demo portal (a child process per call costs ~0.5 s of imports);
tests/test_cli_e2e.py keeps running the real console entry point in subprocesses. Standard streams are StringIO
objects, which are not terminals, as a pipe to a child is not.
"""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager


@contextmanager
def _as_child(env: dict[str, str], stdin: str) -> Iterator[tuple[io.StringIO, io.StringIO]]:
    saved_env, saved_streams = dict(os.environ), (sys.stdin, sys.stdout, sys.stderr)
    out, err = io.StringIO(), io.StringIO()
    os.environ.clear()
    os.environ.update(env)
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        yield out, err
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        os.environ.clear()
        os.environ.update(saved_env)


def run_cli(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    with _as_child(env, stdin) as (out, err):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            code = _main(list(args))
        else:  # called from an async test: main() runs its own event loop, so in a thread (blocking, as a child would)
            with ThreadPoolExecutor(1) as pool:
                code = pool.submit(_main, list(args)).result()
    return subprocess.CompletedProcess(["allsource-tui", *args], code, out.getvalue(), err.getvalue())


def _main(argv: list[str]) -> int:
    from tui.cli.main import main

    try:
        return main(argv)
    except SystemExit as exit_:  # argparse's usage errors and --help
        return exit_.code if isinstance(exit_.code, int) else 1


def sign_in(env: dict[str, str], username: str, password: str, *extra: str) -> subprocess.CompletedProcess:
    return run_cli(env, "sign-in", "--username", username, "--password-stdin", *extra, stdin=password + "\n")
