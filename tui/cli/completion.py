"""`allsource-tui completion bash|zsh|fish`: the shell completion script, generated from the argparse parser.

shtab writes a static script, so completing costs the shell nothing and never starts Python. Only the `completion`
command imports this module (and shtab): every other command, `status` first, keeps its start-up time.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import shtab

SHELLS = ("bash", "zsh", "fish")

# Options that name a file or a directory complete paths of that kind; every other value is free text.
_FILE_OPTIONS = {"--config"}
_DIRECTORY_OPTIONS = {"--state-dir", "--data"}


def completion_script(parser: argparse.ArgumentParser, shell: str) -> str:
    """The completion script for `shell` (one of SHELLS) covering every subcommand and option of `parser`."""
    if shell not in SHELLS:
        raise ValueError(f"no completion for {shell!r}; choose one of {', '.join(SHELLS)}")
    for action in _all_actions(parser):
        options = set(action.option_strings)
        if options & _FILE_OPTIONS:
            action.complete = shtab.FILE  # type: ignore[attr-defined]  # shtab reads this attribute
        elif options & _DIRECTORY_OPTIONS:
            action.complete = shtab.DIRECTORY  # type: ignore[attr-defined]
    script = shtab.complete(parser, shell=shell)
    return script if script.endswith("\n") else script + "\n"


def _all_actions(parser: argparse.ArgumentParser) -> Iterator[argparse.Action]:
    """Every action of the parser and of its subcommands, nested ones included (`offline authorize --connect`)."""
    for action in parser._actions:  # argparse has no public walk of its actions
        yield action
        if isinstance(action, argparse._SubParsersAction):
            for subparser in dict.fromkeys(action.choices.values()):  # aliases map to the same parser once
                yield from _all_actions(subparser)
