"""The result of `allsource-tui doctor`: one Check per thing tested, and how they read as text and JSON."""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.errors import EXIT_OK

# The names, in the order they run and are shown; the exit code is that of the first check that failed.
CHECK_NAMES = ("config", "state", "dns", "tcp", "tls", "proxy", "clock", "portal", "token", "keyring")


@dataclass(frozen=True)
class Check:
    """One check: ``ok``, what was found (``detail``), and for a failure the ``fix`` and its exit code class
    (2 config/usage, 5 unreachable/network/TLS, 6 refused by the portal). ``skipped``: an earlier failure kept
    this check from running (it counts as not ok)."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    exit_class: int = EXIT_OK
    skipped: bool = False

    def to_json(self) -> dict:
        data = {"name": self.name, "ok": self.ok, "detail": self.detail, "fix": self.fix}
        return data | ({"skipped": True} if self.skipped else {})

    def lines(self) -> list[str]:
        """``✓ dns      ok — …`` / ``✗ tls      FAILED — …`` plus ``  Fix: …``: readable without colour."""
        mark, word = ("✓", "ok") if self.ok else (("-", "skipped") if self.skipped else ("✗", "FAILED"))
        lines = [f"{mark} {self.name:<8} {word} — {self.detail}"]
        if self.fix and not self.ok:
            lines.append(f"  Fix: {self.fix}")
        return lines


def skipped(name: str, because: str) -> Check:
    return Check(name, ok=False, detail=f"not checked: {because}", skipped=True)


@dataclass(frozen=True)
class DoctorReport:
    portal_url: str
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def exit_code(self) -> int:
        """0 when every check passed, else the exit code class of the first check that failed (not skipped)."""
        failed = [check for check in self.checks if not check.ok and not check.skipped]
        return failed[0].exit_class if failed else EXIT_OK

    def to_json(self) -> dict:
        return {"ok": self.ok, "portal_url": self.portal_url, "checks": [check.to_json() for check in self.checks]}

    def lines(self) -> list[str]:
        lines = [f"Sign-in troubleshooting for {self.portal_url}"]
        for check in self.checks:
            lines.extend(check.lines())
        failed = sum(1 for check in self.checks if not check.ok and not check.skipped)
        lines.append("All checks passed." if self.ok else
                     f"{failed} check{'s' if failed != 1 else ''} failed; start with the first Fix above.")
        return lines

    def text(self) -> str:
        return "\n".join(self.lines())
