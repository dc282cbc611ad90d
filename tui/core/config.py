"""Load and validate config.toml into tui.core.settings.Settings (README "Files"; every key is in config.example.toml).

The file is the user's: it is only read, never written. A missing file means the defaults. A file that can't be used
raises ``ConfigError`` with one sentence naming the file, the line, the key and what to do; unknown keys are not an
error but a sentence in ``Settings.warnings``. Values are never echoed when they could hold a secret (proxy, URL).
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui.core.errors import ConfigError, PortalUrlError
from tui.core.secret import remember_secret
from tui.core.settings import (
    NetworkSettings,
    PortalSettings,
    SecretSettings,
    Settings,
    UISettings,
)
from tui.core.text import clean_tree
from tui.core.urls import guess_kind, normalize_portal_url

PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")
MAX_SECONDS = 3600.0


class _Invalid(Exception):
    """A value broke its rule; the text completes "[section] key …"."""


# --- value rules ------------------------------------------------------------------------------------------------------
def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + (value if len(value) <= 40 else value[:37] + "...") + '"'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value)


def _seconds(value: Any, _: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or not 0 < value <= MAX_SECONDS:
        raise _Invalid(f"must be a positive number of seconds (at most {MAX_SECONDS:g}), not {_shown(value)}")
    return float(value)


def _integer(low: int, high: int, what: str) -> Callable[[Any, Path], int]:
    def check(value: Any, _: Path) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _Invalid(f"must be a whole number of {what} from {low} to {high}, not {_shown(value)}")
        return value
    return check


def _boolean(value: Any, _: Path) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"must be true or false, not {_shown(value)}")
    return value


def _choice(*options: str) -> Callable[[Any, Path], str]:
    def check(value: Any, _: Path) -> str:
        if value not in options:
            listed = " or ".join(f'"{o}"' for o in options)
            raise _Invalid(f"must be {listed}, not {_shown(value)}")
        return value
    return check


def _word(value: Any, _: Path) -> str:
    if not isinstance(value, str) or not value.strip() or any(ch.isspace() for ch in value):
        raise _Invalid(f"must be a non-empty text without spaces, not {_shown(value)}")
    return value


def _ca_bundle(value: Any, config_file: Path) -> Path | None:
    if not isinstance(value, str):
        raise _Invalid(f"must be the path of a PEM file in quotes, not {_shown(value)}")
    if not value.strip():
        return None
    path = Path(value.strip()).expanduser()
    path = path if path.is_absolute() else config_file.parent / path  # relative to config.toml, not to the cwd
    if not path.is_file():
        raise _Invalid(f'must name an existing PEM file, and "{path}" is not one')
    return path


def _proxy(value: Any, _: Path) -> str | None:
    rule = "must be a proxy URL such as http://proxy.example.com:3128 (http, https, socks5 or socks5h)"
    if not isinstance(value, str):
        raise _Invalid(f"{rule}, not {_shown(value)}")
    if not value.strip():
        return None
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise _Invalid(rule) from None
    if parts.scheme.lower() not in PROXY_SCHEMES or not parts.hostname or parts.path not in ("", "/") \
            or parts.query or parts.fragment:
        raise _Invalid(rule)
    if parts.password:
        remember_secret(parts.password)
    return value.strip()


# section -> key -> rule; the portal URL is checked afterwards, once the kind is known
_RULES: dict[str, dict[str, Callable[[Any, Path], Any]]] = {
    "portal": {
        "licensing_portal_kind": _choice("online", "enterprise"),
        "client_id": _word,
        "token_expiration_minutes": _integer(1, 525_600, "minutes"),
    },
    "network": {
        "connect_timeout": _seconds, "read_timeout": _seconds, "write_timeout": _seconds, "pool_timeout": _seconds,
        "ca_bundle": _ca_bundle, "trust": _choice("system", "certifi", "both"), "verify_tls": _boolean,
        "proxy": _proxy, "max_retries": _integer(0, 10, "retries"), "deadline_seconds": _seconds,
    },
    "ui": {"theme": _word, "cursor_blink": _boolean, "mouse": _boolean},
    "secrets": {"credential_store": _choice("auto", "keyring", "file"), "keyring_timeout": _seconds},
}
_PORTAL_URL_KEY = "licensing_portal_url"


# --- loading ----------------------------------------------------------------------------------------------------------
def load_settings(path: Path, *, required: bool = False) -> Settings:
    """Read ``path``; a missing file gives the defaults, or ConfigError when ``required`` (an explicit --config)."""
    text = _read_text(path, required)
    if text is None:
        return Settings()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        from tui.core.config_lines import syntax_error  # only a broken file needs it (its docstring)

        raise syntax_error(path, str(error), text) from None
    except RecursionError:  # tomllib recurses once per nesting level (issue 16 finding 7)
        raise ConfigError(f"{path} nests tables or arrays too deeply to be a configuration file; fix or remove "
                          "it.", path=str(path)) from None
    # Keys and values are echoed in warnings and errors: none may carry a terminal control (tui/core/text.py).
    return _Loader(path, text).settings(clean_tree(data))


def _read_text(path: Path, required: bool) -> str | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if required:
            raise ConfigError(f"{path}: the config file does not exist; create it from config.example.toml "
                              "or point --config at an existing file.", path=str(path)) from None
        return None
    except OSError as error:
        raise ConfigError(f"{path}: the config file cannot be read ({error.strerror or error}); "
                          "check that it is a readable file.", path=str(path)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise ConfigError(f"{path} line {line}: the config file is not valid UTF-8; save it as UTF-8 text.",
                          path=str(path), line=line) from None


class _Loader:
    def __init__(self, path: Path, text: str) -> None:
        self.path, self.lines = path, text.splitlines()
        self.warnings: list[str] = []

    def settings(self, data: dict[str, Any]) -> Settings:
        for name, value in data.items():
            if name not in _RULES and name != "keys":
                self._warn(None, name, f"unknown {'section' if isinstance(value, dict) else 'key'} {name} is ignored")
        portal = self._section(data, "portal")
        portal.update(self._portal_url(data.get("portal", {}), portal))
        network = self._section(data, "network")
        if network.get("verify_tls") is False:
            self._warn("network", "verify_tls", "verify_tls = false turns TLS certificate checks off; "
                       "prefer ca_bundle with your portal's CA certificate")
        ui, secrets = self._section(data, "ui"), self._section(data, "secrets")
        return Settings(portal=PortalSettings(**portal), network=NetworkSettings(**network),
                        ui=UISettings(**ui), secrets=SecretSettings(**secrets), keys=self._keys(data.get("keys", {})),
                        source_path=self.path, warnings=tuple(self.warnings))

    def _section(self, data: dict[str, Any], section: str) -> dict[str, Any]:
        table = self._table(data, section)
        values: dict[str, Any] = {}
        for key, value in table.items():
            rule = _RULES[section].get(key)
            if rule is not None:
                values[key] = self._apply(section, key, functools.partial(rule, value, self.path))
            elif not (section == "portal" and key == _PORTAL_URL_KEY):
                self._warn(section, key, f"unknown key [{section}] {key} is ignored")
        return values

    def _portal_url(self, table: Any, portal: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(table, dict) or _PORTAL_URL_KEY not in table:
            return {}
        url = table[_PORTAL_URL_KEY]
        if not isinstance(url, str):
            raise self._error("portal", _PORTAL_URL_KEY, f"must be a URL in quotes, not {_shown(url)}")
        kind = portal.get("licensing_portal_kind") or guess_kind(url) or "online"
        try:
            normalized = normalize_portal_url(url, kind)
        except PortalUrlError as error:
            sentence = error.user_message.rstrip(".")
            raise self._error("portal", _PORTAL_URL_KEY, "is refused: " + sentence[0].lower() + sentence[1:]) from None
        return {_PORTAL_URL_KEY: normalized, "licensing_portal_kind": kind}

    def _keys(self, table: Any) -> dict[str, str]:
        if not isinstance(table, dict):
            raise self._error(None, "keys", f"must be a table of binding id = \"keys\", not {_shown(table)}")
        keys: dict[str, str] = {}
        for binding_id, value in _flatten(table):
            if not isinstance(value, str) or not value.strip():
                raise self._error("keys", binding_id, f'must be the keys in quotes, e.g. "f5,r", not {_shown(value)}')
            keys[binding_id] = value.strip()
        return keys

    def _table(self, data: dict[str, Any], section: str) -> dict[str, Any]:
        table = data.get(section, {})
        if not isinstance(table, dict):
            raise self._error(None, section, f"must be a table ([{section}]), not {_shown(table)}")
        return table

    def _apply(self, section: str, key: str, check: Callable[[], Any]) -> Any:
        try:
            return check()
        except _Invalid as invalid:
            raise self._error(section, key, str(invalid)) from None

    def _error(self, section: str | None, key: str, reason: str) -> ConfigError:
        line = self._line_of(section, key)
        label = f"[{section}] {key}" if section else key
        return ConfigError(f"{self._where(line)}: {label} {reason}.", path=str(self.path), line=line,
                           key=f"{section}.{key}" if section else key)

    def _warn(self, section: str | None, key: str, reason: str) -> None:
        line = self._line_of(section, key)
        self.warnings.append(f"{self._where(line)}: {reason}; see config.example.toml.")

    def _line_of(self, section: str | None, key: str) -> int | None:
        from tui.core.config_lines import locate  # only a wrong or unknown key needs it (its docstring)

        return locate(self.lines, section, key)

    def _where(self, line: int | None) -> str:
        return f"{self.path} line {line}" if line else str(self.path)


def _flatten(table: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """``[keys] app.quit = "…"`` parses as nested tables; binding ids are the dotted names."""
    items: list[tuple[str, Any]] = []
    for name, value in table.items():
        if isinstance(value, dict):
            items.extend(_flatten(value, f"{prefix}{name}."))
        else:
            items.append((prefix + name, value))
    return items
