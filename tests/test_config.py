"""config.toml loading: defaults, validation sentences (file, line, key), warnings, and config.example.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from tui.core.config import load_settings
from tui.core.errors import EXIT_USAGE, ConfigError
from tui.core.redact import redact
from tui.core.settings import NetworkSettings, PortalSettings, SecretSettings, Settings, UISettings

EXAMPLE = Path(__file__).resolve().parents[1] / "config.example.toml"
SECTIONS = {"portal": PortalSettings, "network": NetworkSettings, "ui": UISettings, "secrets": SecretSettings}


def _write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_settings(_write(tmp_path, text))
    return caught.value


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "nope.toml") == Settings()
    assert load_settings(tmp_path / "nope.toml").source_path is None


def test_missing_file_is_an_error_when_required(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", required=True)


def test_values_are_read_and_converted(tmp_path: Path) -> None:
    ca = _write(tmp_path, "-----BEGIN CERTIFICATE-----\n", "ca.pem")
    path = _write(tmp_path, f"""
[portal]
licensing_portal_url = " https://GIS.example.com:7443/portal/home/ "
client_id = "myapp"
token_expiration_minutes = 60
[network]
connect_timeout = 2
read_timeout = 12.5
ca_bundle = "{ca.name}"
proxy = "http://proxy.example.com:3128"
max_retries = 0
[ui]
theme = "nord"
mouse = false
[secrets]
credential_store = "file"
keyring_timeout = 1
""")
    settings = load_settings(path)
    assert settings.portal == PortalSettings("https://gis.example.com:7443/portal", "enterprise", "myapp", 60)
    assert settings.network.connect_timeout == 2.0 and isinstance(settings.network.connect_timeout, float)
    assert settings.network.read_timeout == 12.5
    assert settings.network.ca_bundle == ca  # relative to config.toml's directory
    assert settings.network.proxy == "http://proxy.example.com:3128"
    assert settings.network.max_retries == 0
    assert settings.ui == UISettings(theme="nord", cursor_blink=True, mouse=False)
    assert settings.secrets == SecretSettings(credential_store="file", keyring_timeout=1.0)
    assert settings.source_path == path and settings.warnings == ()


def test_empty_ca_bundle_and_proxy_mean_not_set(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, '[network]\nca_bundle = ""\nproxy = ""\n'))
    assert settings.network.ca_bundle is None and settings.network.proxy is None


def test_kind_is_guessed_from_the_url_when_not_given(tmp_path: Path) -> None:
    online = load_settings(_write(tmp_path, '[portal]\nlicensing_portal_url = "https://myorg.maps.arcgis.com/home"\n'))
    assert online.portal.licensing_portal_kind == "online"
    assert online.portal.licensing_portal_url == "https://myorg.maps.arcgis.com"
    demo_ent = load_settings(_write(tmp_path, '[portal]\nlicensing_portal_url = "https://127.0.0.1:8443/portal"\n'))
    assert demo_ent.portal.licensing_portal_kind == "enterprise"


@pytest.mark.parametrize(("toml", "line", "expected"), [
    ('[network]\nconnect_timeout = 5\nread_timeout = "fast"\n', 3,
     '[network] read_timeout must be a positive number of seconds (at most 3600), not "fast".'),
    ("[network]\n\nwrite_timeout = 0\n", 3, "[network] write_timeout must be a positive number of seconds"),
    ("[network]\npool_timeout = -1.5\n", 2, "not -1.5"),
    ("[network]\npool_timeout = inf\n", 2, "not inf"),
    ("[network]\npool_timeout = true\n", 2, "not true"),
    ("[secrets]\nkeyring_timeout = nan\n", 2, "[secrets] keyring_timeout must be a positive number"),
    ('[secrets]\ncredential_store = "vault"\n', 2,
     '[secrets] credential_store must be "auto" or "keyring" or "file", not "vault".'),
    ('[portal]\nlicensing_portal_kind = "arcgis"\n', 2, '"online" or "enterprise", not "arcgis"'),
    ("[portal]\ntoken_expiration_minutes = 0\n", 2, "whole number of minutes from 1 to 525600, not 0"),
    ("[portal]\ntoken_expiration_minutes = 1.5\n", 2, "not 1.5"),
    ('[portal]\nclient_id = "my app"\n', 2, "[portal] client_id must be a non-empty text without spaces"),
    ("[network]\nmax_retries = 11\n", 2, "[network] max_retries must be a whole number of retries from 0 to 10"),
    ('[network]\nverify_tls = "no"\n', 2, '[network] verify_tls must be true or false, not "no".'),
    ("[ui]\ncursor_blink = 1\n", 2, "[ui] cursor_blink must be true or false, not 1."),
    ('[ui]\ntheme = ""\n', 2, "[ui] theme must be a non-empty text"),
    ("[network]\nca_bundle = 3\n", 2, "[network] ca_bundle must be the path of a PEM file"),
    ('[network]\nca_bundle = "/no/such/ca.pem"\n', 2,
     'must name an existing PEM file, and "/no/such/ca.pem" is not one'),
    ('[network]\nproxy = "ftp://proxy:21"\n', 2, "[network] proxy must be a proxy URL such as"),
    ('[network]\nproxy = "http://:3128"\n', 2, "proxy must be a proxy URL"),
    ('[network]\nproxy = "http://proxy:99999"\n', 2, "proxy must be a proxy URL"),
    ('[portal]\nlicensing_portal_url = "http://www.arcgis.com"\n', 2,
     '[portal] licensing_portal_url is refused: the portal URL must use https, not "http"'),
    ('[portal]\nlicensing_portal_kind = "enterprise"\nlicensing_portal_url = "https://www.gis.example.com/portal"\n', 3,
     'is refused: do not include "www." in an ArcGIS Enterprise URL'),
    ("[portal]\nlicensing_portal_url = 7\n", 2, "[portal] licensing_portal_url must be a URL in quotes, not 7."),
    ('portal = "x"\n', 1, 'portal must be a table ([portal]), not "x".'),
    ("keys = 3\n", 1, 'keys must be a table of binding id = "keys", not 3.'),
    ('[keys]\n"app.quit" = 3\n', 2, '[keys] app.quit must be the keys in quotes'),
    ('[keys]\nstart.settings = ""\n', 2, "[keys] start.settings must be the keys in quotes"),
    ('network.read_timeout = "slow"\n', 1, "[network] read_timeout must be a positive number"),
])
def test_bad_values_raise_one_sentence_naming_file_line_and_key(tmp_path: Path, toml: str, line: int,
                                                                expected: str) -> None:
    error = _error(tmp_path, toml)
    path = tmp_path / "config.toml"
    assert error.user_message.startswith(f"{path} line {line}: ")
    assert expected in error.user_message
    assert error.user_message.endswith(".") and not re.search(r"\.\s+[A-Z]", error.user_message)  # one sentence
    assert (error.path, error.line, error.exit_code) == (str(path), line, EXIT_USAGE)


def test_error_key_names_section_and_key(tmp_path: Path) -> None:
    error = _error(tmp_path, "# header\n[ui]\n\n\nmouse = 3\n")
    assert (error.key, error.line) == ("ui.mouse", 5)


def test_same_key_name_in_another_section_does_not_confuse_the_line(tmp_path: Path) -> None:
    error = _error(tmp_path, "[ui]\ntheme = \"nord\"\n[secrets]\nkeyring_timeout = 2\n[network]\nread_timeout = 0\n")
    assert error.line == 6


@pytest.mark.parametrize(("toml", "line", "fragment"), [
    ("[network]\nread_timeout = \n", 2, "invalid value"),
    ("[ui]\ntheme = \"unterminated\n", 2, "not valid TOML"),
    ("[ui]\n[ui]\n", 2, "not valid TOML"),
    ("[portal]\nclient_id = \"a\"\nclient_id = \"b\"\n", 3, "not valid TOML"),
])
def test_bad_toml_names_the_line(tmp_path: Path, toml: str, line: int, fragment: str) -> None:
    error = _error(tmp_path, toml)
    assert error.line == line and fragment in error.user_message
    assert f"config.toml line {line}: " in error.user_message
    assert f"fix line {line} or move the file aside" in error.user_message


@pytest.mark.parametrize(("toml", "line"), [
    ("[ui]\ntheme = \"nord\"\n[network]\nread_timeout = [1,\n\n", 4),  # an array left open
    ("[ui]\ntheme = ", 2),                                               # a value never written
])
def test_toml_that_ends_too_early_names_the_last_written_line(tmp_path: Path, toml: str, line: int) -> None:
    error = _error(tmp_path, toml)  # tomllib says "at end of document", without a line number
    assert error.line == line
    assert error.user_message.startswith(f"{tmp_path / 'config.toml'} line {line}: this is not valid TOML (")
    assert "the file ends before it is complete" in error.user_message and f"fix line {line} " in error.user_message


def test_bad_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"[ui]\ntheme = \"nord\"\n# caf\xe9\n")
    with pytest.raises(ConfigError, match=r"line 3: the config file is not valid UTF-8"):
        load_settings(path)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf[ui]\ntheme = \"nord\"\n")
    assert load_settings(path).ui.theme == "nord"


def test_unreadable_path_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load_settings(tmp_path)  # a directory


def test_unknown_keys_and_sections_are_warnings_not_errors(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, "top = 1\n[network]\nreed_timeout = 5\n[colours]\nbg = \"red\"\n"))
    assert settings.network == NetworkSettings()
    assert len(settings.warnings) == 3
    path = tmp_path / "config.toml"
    assert f"{path} line 1: unknown key top is ignored; see config.example.toml." in settings.warnings
    assert f"{path} line 3: unknown key [network] reed_timeout is ignored; see config.example.toml." \
        in settings.warnings
    assert f"{path} line 4: unknown section colours is ignored; see config.example.toml." in settings.warnings


def test_verify_tls_false_is_kept_and_warned_about(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, "[network]\nverify_tls = false\n"))
    assert settings.network.verify_tls is False
    assert any("line 2" in w and "TLS certificate checks off" in w for w in settings.warnings)


def test_keys_accept_dotted_and_quoted_binding_ids(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, '[keys]\napp.quit = "ctrl+q,f10"\n"start.settings" = " s "\n'
                                              '[keys.settings]\nrefresh = "f5,r"\n'))
    assert settings.keys == {"app.quit": "ctrl+q,f10", "start.settings": "s", "settings.refresh": "f5,r"}


def test_proxy_password_is_never_echoed_and_is_redacted(tmp_path: Path) -> None:
    error = _error(tmp_path, '[network]\nproxy = "ftp://bob:Pr0xyPassw0rd@proxy:21"\n')
    assert "Pr0xyPassw0rd" not in error.user_message
    settings = load_settings(_write(tmp_path, '[network]\nproxy = "socks5://bob:S0cksPassw0rd@proxy:1080"\n'))
    assert "S0cksPassw0rd" not in redact(repr(settings))


def test_portal_url_with_password_is_never_echoed(tmp_path: Path) -> None:
    error = _error(tmp_path, '[portal]\nlicensing_portal_url = "https://bob:Sup3rSecret@www.arcgis.com"\n')
    assert "Sup3rSecret" not in error.user_message and "user name or password" in error.user_message


# --- config.example.toml ----------------------------------------------------------------------------------------------
_DEFAULT_LINE = re.compile(r"# ([a-z_]+) = (.+)")
_SECTION_LINE = re.compile(r"\[([a-z]+)\]")


def _uncommented_example(*, sections: set[str]) -> str:
    """The example with every `# key = value` line of ``sections`` uncommented."""
    out, current = [], None
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        header = _SECTION_LINE.fullmatch(line)
        current = header.group(1) if header else current
        dotted_key = re.fullmatch(r"# ([a-z]+\.[a-z_]+) = (.+)", line)
        if current in sections and (_DEFAULT_LINE.fullmatch(line) or dotted_key):
            line = line[2:]
        out.append(line)
    return "\n".join(out) + "\n"


def test_example_loads_as_is(tmp_path: Path) -> None:
    settings = load_settings(EXAMPLE)
    assert settings._replace(source_path=None) == Settings()


def test_example_documents_every_key_with_its_default(tmp_path: Path) -> None:
    text = _uncommented_example(sections=set(SECTIONS))
    data = tomllib.loads(text)
    for section, cls in SECTIONS.items():
        documented = set(data.get(section, {}))
        assert documented == set(cls._fields), section
    settings = load_settings(_write(tmp_path, text))
    assert settings.warnings == ()
    assert settings._replace(source_path=None) == Settings()


def test_example_documents_each_key_with_a_sentence() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if _DEFAULT_LINE.fullmatch(line) and not _SECTION_LINE.fullmatch(lines[number - 1]):
            assert lines[number - 1].startswith("# ") and not _DEFAULT_LINE.fullmatch(lines[number - 1]), line


def test_example_key_remaps_load(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, _uncommented_example(sections={"keys"})))
    assert {"app.quit", "start.settings", "start.licensing", "settings.refresh"} <= set(settings.keys)
    assert all(value and " " not in value for value in settings.keys.values())

