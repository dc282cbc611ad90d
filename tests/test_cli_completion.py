"""`allsource-tui completion bash|zsh|fish`: scripts generated from the argparse parser complete every subcommand.

bash is exercised for real: the generated script is sourced in `bash -c` and its completion function called with
COMP_WORDS/COMP_CWORD set, as bash does on <TAB>. fish (when installed) is asked with `complete -C`; zsh is checked
for syntax (when installed) and for naming every subcommand and option.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys

import pytest

from tui.cli.main import build_parser

# The same bash steps as an interactive <TAB>: COMP_WORDS holds the words, the last one being completed.
BASH_DRIVER = """
source "$1"; shift
COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
_shtab_allsource_tui
printf '%s\\n' "${COMPREPLY[@]}"
"""


def command_tree(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], list[str]]:
    """Each command path (`()`, `("offline",)`, ...) that takes a subcommand, with the subcommands it takes."""
    tree: dict[tuple[str, ...], list[str]] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            tree[path] = list(action.choices)
            for name, subparser in action.choices.items():
                tree.update(command_tree(subparser, (*path, name)))
    return tree


def all_options(parser: argparse.ArgumentParser) -> set[str]:
    options = {option for action in parser._actions for option in action.option_strings}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                options |= all_options(subparser)
    return options


TREE = command_tree(build_parser())


def generate(shell: str) -> str:
    result = subprocess.run([sys.executable, "-m", "tui", "completion", shell], check=False, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


@pytest.fixture(scope="module")
def bash_script(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("completion") / "allsource-tui.bash"
    path.write_text(generate("bash"), encoding="utf-8")
    return str(path)


def bash_complete(script: str, line: str) -> list[str]:
    """What bash offers for `line` (a trailing space means: complete a new, empty word)."""
    words = line.split() + ([""] if line.endswith(" ") else [])
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", BASH_DRIVER, "bash", script, *words],
                            check=False, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return [word.strip() for word in result.stdout.splitlines() if word.strip()]


def test_the_tree_has_the_nested_commands_the_readme_lists():
    assert set(TREE) >= {(), ("alias",), ("offline",), ("portal",), ("portals",)}
    assert TREE[("offline",)] == ["authorize", "check-in"]


def test_bash_completes_a_subcommand_from_its_prefix(bash_script):
    assert bash_complete(bash_script, "allsource-tui st") == ["status"]
    assert bash_complete(bash_script, "allsource-tui sign-") == ["sign-in", "sign-out"]


@pytest.mark.parametrize("path", list(TREE), ids=lambda path: " ".join(path) or "top")
def test_bash_offers_every_subcommand_after_its_parent(bash_script, path):
    line = " ".join(("allsource-tui", *path)) + " "
    assert sorted(bash_complete(bash_script, line)) == sorted(TREE[path])


@pytest.mark.parametrize(("line", "expected"), [
    ("allsource-tui offline authorize --", {"--connect", "--no-connect"}),
    ("allsource-tui portal show --", {"--json"}),
    ("allsource-tui portals list --", {"--json"}),
    ("allsource-tui sign-in --", {"--portal", "--username", "--password-stdin", "--no-auto", "--sso"}),
    ("allsource-tui --", {"--config", "--state-dir", "--demo", "--version"}),
    ("allsource-tui portal set ", {"online", "enterprise"}),
    ("allsource-tui completion ", {"bash", "zsh", "fish"}),
])
def test_bash_completes_options_and_choices_of_nested_commands(bash_script, line, expected):
    assert expected <= set(bash_complete(bash_script, line))


def test_bash_completes_directories_for_state_dir(bash_script, tmp_path):
    (tmp_path / "state-here").mkdir()
    (tmp_path / "file-here").write_text("x", encoding="utf-8")
    offered = bash_complete(bash_script, f"allsource-tui --state-dir {tmp_path}/")
    assert f"{tmp_path}/state-here" in offered
    assert f"{tmp_path}/file-here" not in offered


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_scripts_name_every_subcommand_and_option(shell):
    script = generate(shell)
    names = {name for subcommands in TREE.values() for name in subcommands}
    assert {name for name in names if name not in script} == set()
    assert {option for option in all_options(build_parser()) if spelled(shell, option) not in script} == set()


def spelled(shell: str, option: str) -> str:
    """How a script names an option: fish writes `--json` as `-l json` and `-h` as `-s h`."""
    if shell != "fish":
        return option
    return f"-l {option[2:]}" if option.startswith("--") else f"-s {option[1:]}"


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_script_is_valid_zsh(tmp_path):
    path = tmp_path / "_allsource-tui"
    path.write_text(generate("zsh"), encoding="utf-8")
    result = subprocess.run(["zsh", "-n", str(path)], check=False, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completes_the_nested_subcommands(tmp_path):
    path = tmp_path / "allsource-tui.fish"
    path.write_text(generate("fish"), encoding="utf-8")
    ask = f"source {path}; complete -C 'allsource-tui offline '; complete -C 'allsource-tui st'"
    result = subprocess.run(["fish", "--no-config", "-c", ask], check=False, capture_output=True, text=True,
                            timeout=30)
    offered = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert offered == ["authorize", "check-in", "status"], result.stderr


def test_an_unknown_shell_is_bad_usage_in_one_sentence():
    result = subprocess.run([sys.executable, "-m", "tui", "completion", "tcsh"], check=False, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "invalid choice: 'tcsh'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
