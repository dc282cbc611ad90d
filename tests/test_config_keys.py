"""config.example.toml names every binding id a user can remap under [keys]."""

from __future__ import annotations

from pathlib import Path

from tui.ui.bindings import ALL_KEYS


def test_every_binding_id_is_listed_in_the_example_config():
    example = (Path(__file__).resolve().parents[1] / "config.example.toml").read_text()
    missing = [binding.id for binding in ALL_KEYS if binding.id not in example]
    assert missing == []
