"""Config warnings reach the user (issues 10 and 11): one stderr line each per CLI run, and verify_tls = false is
visible in `status` and `status --json` ("tls_verification")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.cli.main import main


def run(capsys, config: Path, state: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--config", str(config), "--state-dir", str(state), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def insecure(tmp_path: Path) -> Path:
    config = tmp_path / "config.toml"
    config.write_text('[network]\nverify_tls = false\nretries = 2\n')
    return config


def test_every_warning_is_one_stderr_line_once_per_run(insecure: Path, tmp_path: Path, capsys) -> None:
    code, out, err = run(capsys, insecure, tmp_path / "state", "status")
    warnings = [line for line in err.splitlines() if line.startswith("Warning: ")]
    assert len(warnings) == 2 and len(set(warnings)) == 2
    assert any("line 2: verify_tls = false turns TLS certificate checks off" in w for w in warnings)
    assert any("unknown key [network] retries is ignored" in w for w in warnings)
    assert "TLS certificate checks: OFF (verify_tls = false in config.toml)" in out
    assert code == 3  # not signed in: the warnings come on top of the usual answer


def test_status_json_says_whether_tls_is_verified(insecure: Path, tmp_path: Path, capsys) -> None:
    _, out, err = run(capsys, insecure, tmp_path / "state", "status", "--json")
    assert json.loads(out)["tls_verification"] is False and err.count("Warning: ") == 2
    clean = tmp_path / "clean.toml"
    clean.write_text("[network]\nmax_retries = 1\n")
    _, out, err = run(capsys, clean, tmp_path / "state", "status", "--json")
    assert json.loads(out)["tls_verification"] is True and "Warning" not in err
    _, out, _ = run(capsys, clean, tmp_path / "state", "status")
    assert "TLS certificate checks" not in out
