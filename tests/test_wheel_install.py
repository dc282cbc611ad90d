"""The built wheel works on its own: built from this tree, installed (not editable) into a fresh virtualenv, then
`allsource-tui --version`, `status --json`, `completion bash` and a headless start of the TUI run from that install.

Offline and fast: the wheel is built with the hatchling of the test environment (no build isolation), and installed
with --no-deps into a new venv whose only extra path is a .pth line naming the test environment's site-packages, so
the dependencies are found there. A .pth line adds a directory to sys.path without running the .pth files inside it,
so the editable install of this tree (a .pth file in that site-packages) stays out. Every command runs from an empty
temp directory, and the test checks that each `tui`/`screens` module came from the new venv, never from this tree.
"""

from __future__ import annotations

import fcntl
import importlib.util
import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

import tui

pytestmark = pytest.mark.wheel

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("tui", "screens")


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"


def run(command: list, *, cwd: Path | None = None, timeout: int = 120) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "PYTHONHOME"}}
    env.update(LANG="C.UTF-8", PYTHONIOENCODING="utf-8")
    return subprocess.run([str(part) for part in command], cwd=cwd, env=env, check=False, capture_output=True,
                          text=True, timeout=timeout)


def checked(command: list, **kwargs: object) -> subprocess.CompletedProcess:
    result = run(command, **kwargs)  # type: ignore[arg-type]
    assert result.returncode == 0, f"{command[:4]} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Built and installed once per test run: under `pytest -n` the workers share one build (a module fixture
    is per worker), the first one to get here making it while the others wait on a lock."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return build_and_install(tmp_path_factory.mktemp("wheel"))
    shared = tmp_path_factory.getbasetemp().parent / "wheel-install"  # this run's directory, above each worker's
    shared.mkdir(exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / "installed.json"
        if not done.exists():
            made = build_and_install(shared / "work")
            done.write_text(json.dumps([str(made.wheel), str(made.venv)]), encoding="utf-8")
        wheel, venv = json.loads(done.read_text(encoding="utf-8"))
    return Installed(wheel=Path(wheel), venv=Path(venv))


def build_and_install(work: Path) -> Installed:
    work.mkdir(parents=True, exist_ok=True)
    if importlib.util.find_spec("hatchling") is None:
        pytest.fail("hatchling is missing: install the test extra (pip install -e '.[test]') to build the wheel")
    checked([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
             "--disable-pip-version-check", "-q", "-w", work / "dist", REPO])
    (wheel,) = (work / "dist").glob("allsource_tui-*.whl")
    venv = work / "venv"
    checked([sys.executable, "-m", "venv", "--without-pip", venv])
    python = Installed(wheel, venv).bin / "python"
    purelib = Path(checked([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    dependency_dirs = dict.fromkeys([*site.getsitepackages(), sysconfig.get_paths()["purelib"]])
    (purelib / "_test_dependencies.pth").write_text("\n".join(dependency_dirs) + "\n", encoding="utf-8")
    checked([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
             "--disable-pip-version-check", "-q", wheel])
    return Installed(wheel=wheel, venv=venv)


def test_the_wheel_holds_every_file_of_both_packages(installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    source = {path.relative_to(REPO).as_posix() for package in PACKAGES for path in (REPO / package).rglob("*")
              if path.is_file() and "__pycache__" not in path.parts}
    assert source - names == set()
    assert {"screens/help.md", "screens/sign_in.tcss", "tui/ui/app.tcss", "tui/cli/completion.py",
            "tui/demo_portal/__init__.py"} <= names


def test_the_wheel_declares_the_completion_dependency(installed):
    with zipfile.ZipFile(installed.wheel) as wheel:
        metadata = next(wheel.read(name).decode() for name in wheel.namelist() if name.endswith(".dist-info/METADATA"))
    assert "Requires-Dist: shtab>=" in metadata


def test_installed_version(installed, tmp_path):
    result = checked([installed.bin / "allsource-tui", "--version"], cwd=tmp_path)
    assert result.stdout == f"allsource-tui {tui.__version__}\n"


def test_installed_status_json_signed_out_exits_3(installed, tmp_path):
    result = run([installed.bin / "allsource-tui", "--state-dir", tmp_path / "state", "status", "--json"],
                 cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert json.loads(result.stdout)["signed_in"] is False
    assert result.stderr == "You are not signed in; run `allsource-tui sign-in`.\n"


def test_installed_completion_prints_the_bash_script(installed, tmp_path):
    result = checked([installed.bin / "allsource-tui", "completion", "bash"], cwd=tmp_path)
    assert "complete -o bashdefault -F _shtab_allsource_tui allsource-tui" in result.stdout


def test_installed_tui_starts_headless_from_the_install_not_the_tree(installed, tmp_path):
    probe = shutil.copy(Path(__file__).with_name("installed_tui_probe.py"), tmp_path / "probe.py")
    result = run([installed.bin / "python", probe, tmp_path / "state"], cwd=tmp_path)
    line = next((line for line in result.stdout.splitlines() if line.startswith("PROBE=")), None)
    assert line is not None, result.stderr[-3000:]
    seen = json.loads(line.removeprefix("PROBE="))
    assert seen["exit_code"] == 0
    assert seen["screens"] == ["SignInScreen", "HelpScreen"]
    assert str(REPO) not in seen["sys_path"] and "" not in seen["sys_path"]
    venv = installed.venv.resolve()
    outside = {name: path for name, path in seen["modules"].items()
               if path is not None and not Path(path).resolve().is_relative_to(venv)}
    assert outside == {}
    assert {"tui.ui.app", "screens.sign_in", "screens.help", "tui.service.licensing"} <= set(seen["modules"])
