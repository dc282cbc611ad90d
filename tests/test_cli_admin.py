"""The `admin` command's terminal parts on their own: the y/N question and the progress line (issue 14)."""

from __future__ import annotations

import io

import pytest

from tui.cli import admin as cli_admin
from tui.core.errors import UsageError


class FakeTerminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_confirm_asks_on_a_terminal_and_refuses_without_one(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", FakeTerminal(tty=True))
    answers = iter(["y", "", "no"])
    questions: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt: questions.append(prompt) or next(answers))
    assert cli_admin.confirm("Release it?", yes=False) is True
    assert cli_admin.confirm("Release it?", yes=False) is False
    assert cli_admin.confirm("Release it?", yes=False) is False
    assert questions == ["Release it? [y/N] "] * 3
    assert capsys.readouterr().out == "Nothing was changed.\n" * 2
    monkeypatch.setattr("sys.stdin", FakeTerminal(tty=False))
    assert cli_admin.confirm("Release it?", yes=True) is True
    with pytest.raises(UsageError, match="add --yes"):
        cli_admin.confirm("Release it?", yes=False)


def test_progress_is_a_live_count_on_a_terminal_one_line_otherwise_and_silent_for_one_page():
    live, piped, small = FakeTerminal(tty=True), FakeTerminal(tty=False), FakeTerminal(tty=True)
    for stream in (live, piped):
        progress = cli_admin.Progress(stream)
        for done in (100, 200, 233):
            progress(done, 233)
    cli_admin.Progress(small)(40, 40)
    assert live.getvalue() == ("\rReading licensed members… 100/233\rReading licensed members… 200/233"
                               "\rReading licensed members… 233/233\r\x1b[K")
    assert piped.getvalue() == "Reading 233 licensed members…\n"
    assert small.getvalue() == ""
