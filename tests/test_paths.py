"""Config-file and state-dir precedence (docs/state-file.md, "Where it lives"; README "Files")."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tui.core.paths import config_path, demo_data_dir, state_dir

ENV_VARS = ("ALLSOURCE_TUI_CONFIG", "ALLSOURCE_TUI_STATE_DIR", "XDG_CONFIG_HOME", "XDG_STATE_HOME")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No variable from the real environment, and a fake home so platformdirs never points at the real one."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    return home


def test_config_cli_beats_env_beats_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ALLSOURCE_TUI_CONFIG", str(tmp_path / "env.toml"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert config_path(tmp_path / "cli.toml") == tmp_path / "cli.toml"
    assert config_path(str(tmp_path / "cli.toml")) == tmp_path / "cli.toml"
    assert config_path(None) == tmp_path / "env.toml"
    monkeypatch.delenv("ALLSOURCE_TUI_CONFIG")
    assert config_path(None) == tmp_path / "xdg" / "allsource-tui" / "config.toml"


def test_config_falls_back_to_platformdirs(clean_env: Path) -> None:
    assert config_path(None) == clean_env / ".config" / "allsource-tui" / "config.toml"


@pytest.mark.parametrize("bad_xdg", ["", "relative/dir"], ids=["empty", "relative"])
def test_empty_or_relative_xdg_is_ignored(monkeypatch: pytest.MonkeyPatch, clean_env: Path, bad_xdg: str) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", bad_xdg)
    monkeypatch.setenv("XDG_STATE_HOME", bad_xdg)
    assert config_path(None) == clean_env / ".config" / "allsource-tui" / "config.toml"
    assert state_dir(None) == clean_env / ".local" / "state" / "allsource-tui"


def test_empty_env_override_counts_as_unset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ALLSOURCE_TUI_CONFIG", "  ")
    monkeypatch.setenv("ALLSOURCE_TUI_STATE_DIR", "")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "c"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "s"))
    assert config_path(None) == tmp_path / "c" / "allsource-tui" / "config.toml"
    assert state_dir(None) == tmp_path / "s" / "allsource-tui"


def test_relative_and_tilde_paths_become_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                  clean_env: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert config_path("my.toml") == tmp_path / "my.toml"
    assert state_dir("~/st") == clean_env / "st"
    assert config_path("~/c.toml").is_absolute()


def test_state_dir_precedence_and_demo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, clean_env: Path) -> None:
    assert state_dir(None) == clean_env / ".local" / "state" / "allsource-tui"
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert state_dir(None) == tmp_path / "xdg" / "allsource-tui"
    monkeypatch.setenv("ALLSOURCE_TUI_STATE_DIR", str(tmp_path / "env"))
    assert state_dir(None) == tmp_path / "env"
    assert state_dir(tmp_path / "cli") == tmp_path / "cli"
    assert state_dir(tmp_path / "cli", demo=True) == tmp_path / "cli" / "demo"
    assert state_dir(None, demo=True) == tmp_path / "env" / "demo"


def test_demo_portal_data_lives_inside_the_demo_state(tmp_path: Path) -> None:
    demo_state = state_dir(tmp_path / "st", demo=True)
    assert demo_data_dir(demo_state) == tmp_path / "st" / "demo" / "portal"


def test_nothing_is_created(tmp_path: Path) -> None:
    state_dir(tmp_path / "st", demo=True)
    config_path(tmp_path / "cfg" / "config.toml")
    assert not (tmp_path / "st").exists() and not (tmp_path / "cfg").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the shortcut is for Linux only")
@pytest.mark.parametrize("home", ["/home/someone", "/home/someone/", "/"], ids=["plain", "trailing-slash", "root"])
def test_linux_defaults_equal_platformdirs(monkeypatch: pytest.MonkeyPatch, home: str) -> None:
    """tui.core.paths computes the Linux defaults itself (to keep platformdirs out of `status`): same answer."""
    import platformdirs

    monkeypatch.setenv("HOME", home)
    assert config_path(None) == platformdirs.user_config_path("allsource-tui") / "config.toml"
    assert state_dir(None) == platformdirs.user_state_path("allsource-tui")


def test_other_platforms_ask_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.setattr("sys.platform", "darwin")
    monkeypatch.setattr(platformdirs, "user_state_path", lambda name: Path("/Library/Fake") / name)
    assert state_dir(None) == Path("/Library/Fake/allsource-tui")
