"""Licensing-portal URL rules (docs/portal-protocol.md, "Licensing portal URLs") and TP-URL (docs/reliability.md)."""

from __future__ import annotations

import os
import random
import re
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.errors import EXIT_USAGE, PortalUrlError
from tui.core.urls import guess_kind, normalize_portal_url, sharing_root, validate_portal_url_as_you_type

ACCEPTED = [
    # (typed, kind, normalised)
    ("https://www.arcgis.com", "online", "https://www.arcgis.com"),
    ("https://myorg.maps.arcgis.com", "online", "https://myorg.maps.arcgis.com"),
    ("https://arcgis.com", "online", "https://arcgis.com"),
    ("https://gis.example.com:7443/portal", "enterprise", "https://gis.example.com:7443/portal"),
    ("https://gis.example.com/arcgis/portal", "enterprise", "https://gis.example.com/arcgis/portal"),
    # normalisations
    ("  https://www.arcgis.com \t", "online", "https://www.arcgis.com"),
    ("HTTPS://WWW.ARCGIS.COM", "online", "https://www.arcgis.com"),
    ("https://MyOrg.Maps.ArcGIS.com/", "online", "https://myorg.maps.arcgis.com"),
    ("https://www.arcgis.com/home", "online", "https://www.arcgis.com"),
    ("https://www.arcgis.com/home/index.html", "online", "https://www.arcgis.com"),
    ("https://myorg.maps.arcgis.com/sharing", "online", "https://myorg.maps.arcgis.com"),
    ("https://myorg.maps.arcgis.com/sharing/rest/", "online", "https://myorg.maps.arcgis.com"),
    ("https://gis.example.com:7443/portal/", "enterprise", "https://gis.example.com:7443/portal"),
    ("https://gis.example.com:7443/portal/home/", "enterprise", "https://gis.example.com:7443/portal"),
    ("https://gis.example.com/portal/sharing/rest", "enterprise", "https://gis.example.com/portal"),
    ("https://gis.example.com/portal/sharing/rest/portals/self", "enterprise", "https://gis.example.com/portal"),
    ("https://gis.example.com//portal//", "enterprise", "https://gis.example.com/portal"),
    ("https://gis.example.com:443/portal", "enterprise", "https://gis.example.com/portal"),
    ("https://gis.example.com./Portal", "enterprise", "https://gis.example.com/Portal"),  # web adaptor case kept
    ("https://gis.example.com/p%6Frtal/a%2fb", "enterprise", "https://gis.example.com/portal/a%2Fb"),
    # loopback: the demo portal
    ("https://127.0.0.1:8443", "online", "https://127.0.0.1:8443"),
    ("https://127.0.0.1:8443/", "online", "https://127.0.0.1:8443"),
    ("https://127.0.0.1:8443/portal", "enterprise", "https://127.0.0.1:8443/portal"),
    ("https://127.3.4.5:8443/portal/home", "enterprise", "https://127.3.4.5:8443/portal"),
    ("https://LOCALHOST:8443", "online", "https://localhost:8443"),
    ("https://[::1]:8443/portal", "enterprise", "https://[::1]:8443/portal"),
    ("https://[0:0:0:0:0:0:0:1]:8443", "online", "https://[::1]:8443"),
    # IDN hosts are stored in their xn-- form
    ("https://bücher.example/portal", "enterprise", "https://xn--bcher-kva.example/portal"),
    ("https://ＧＩＳ.example.com/portal", "enterprise", "https://gis.example.com/portal"),
]

REFUSED = [
    # (typed, kind, a fragment of the sentence)
    ("http://www.arcgis.com", "online", 'must use https, not "http": use https://'),
    ("http://gis.example.com/portal", "enterprise", "use https://"),
    ("ftp://gis.example.com/portal", "enterprise", 'not "ftp"'),
    ("javascript:alert(1)", "online", 'not "javascript"'),
    ("file:///etc/passwd", "online", 'not "file"'),
    ("www.arcgis.com", "online", "must start with https://"),
    ("localhost:8443", "online", "must start with https://"),
    ("https:www.arcgis.com", "online", "is malformed"),
    ("https://www.gis.example.com/portal", "enterprise",
     'Do not include "www." in an ArcGIS Enterprise URL: use https://gis.example.com/portal.'),
    ("https://WWW.gis.example.com:7443", "enterprise", 'Do not include "www."'),
    ("https://www.arcgis.com", "enterprise", "choose ArcGIS Online"),
    ("https://admin:s3cret-pass@www.arcgis.com", "online", "must not contain a user name or password"),
    ("https://admin@gis.example.com/portal", "enterprise", "user name or password"),
    ("https://www.arcgis.com/?token=abc", "online", "must not contain a query"),
    ("https://gis.example.com/portal?x=1", "enterprise", "remove everything from the ? on"),
    ("https://www.arcgis.com/#frag", "online", "must not contain a fragment"),
    ("https://gis.example.com", "enterprise", "must include the web adaptor name, e.g. https://gis.example.com/portal"),
    ("https://gis.example.com:7443/home/", "enterprise", "web adaptor name, e.g. https://gis.example.com:7443/portal"),
    ("https://127.0.0.1:8443", "enterprise", "must include the web adaptor name"),
    ("https://gis.example.com/portal", "online", "An ArcGIS Online URL must be https://www.arcgis.com"),
    ("https://arcgis.com.evil.example", "online", "An ArcGIS Online URL must be"),
    ("https://notarcgis.com", "online", "An ArcGIS Online URL must be"),
    ("https://www.arcgis.com/portal", "online", "has no path after the host: use https://www.arcgis.com."),
    ("https://www arcgis.com", "online", "must not contain spaces"),
    ("https://gis.example.com/my portal", "enterprise", "must not contain spaces"),
    ("https://gis.example.com/portal\x00", "enterprise", "control characters"),
    ("", "online", "Enter the portal URL"),
    ("   ", "enterprise", "Enter the portal URL"),
    ("https://", "online", "has no host name"),
    ("https:///portal", "enterprise", "has no host name"),
    ("https://:8443/portal", "enterprise", "has no host name"),
    ("https://gis..example.com/portal", "enterprise", "host name in the portal URL is not valid"),
    ("https://-gis.example.com/portal", "enterprise", "host name"),
    ("https://127.1:8443", "online", "host name"),
    ("https://0x7f.0.0.1", "online", "host name"),
    ("https://[::1:8443", "online", "host name"),
    ("https://[zz::1]/portal", "enterprise", "host name"),
    ("https://::1:8443", "online", "IPv6 address in brackets"),
    ("https://gis.example.com:0/portal", "enterprise", "port"),
    ("https://gis.example.com:65536/portal", "enterprise", "from 1 to 65535"),
    ("https://gis.example.com:84a3/portal", "enterprise", "port"),
    ("https://gis.example.com/../portal", "enterprise", ". or .. segments"),
    ("https://gis.example.com/%2E%2E/portal", "enterprise", ". or .. segments"),
    ("https://gis.example.com/por<tal", "enterprise", "character that is not allowed"),
    ("https://gis.example.com/a@b", "enterprise", "character that is not allowed"),
    ("https://gis.example.com\\portal", "enterprise", "/ rather than \\"),
    ("https://gis.example.com:" + "9" * 1000 + "/portal", "enterprise", "from 1 to 65535"),
    ("https://[fe80::1%eth0]/portal", "enterprise", "host name"),
    ("https://[fe80::1%25eth0]/portal", "enterprise", "host name"),
    ("https://gis.example.com:" + "9" * 5000 + "/portal", "enterprise", "is too long"),
]


@pytest.mark.parametrize(("typed", "kind", "expected"), ACCEPTED)
def test_accepted_urls_are_normalised(typed: str, kind: str, expected: str) -> None:
    assert normalize_portal_url(typed, kind) == expected
    assert normalize_portal_url(expected, kind) == expected


@pytest.mark.parametrize(("typed", "kind", "fragment"), REFUSED)
def test_refused_urls_say_why_in_one_sentence(typed: str, kind: str, fragment: str) -> None:
    with pytest.raises(PortalUrlError) as caught:
        normalize_portal_url(typed, kind)
    sentence = caught.value.user_message
    assert fragment in sentence
    assert sentence[0].isupper() and sentence.endswith(".")
    assert caught.value.exit_code == EXIT_USAGE


@pytest.mark.parametrize("typed", [
    "https://admin:s3cret-pass@www.arcgis.com", "https://www.arcgis.com/?token=abc123xyz",
    "http://u:hunter2hunter2@h/p",
])
def test_refusals_never_repeat_secrets_from_the_url(typed: str) -> None:
    with pytest.raises(PortalUrlError) as caught:
        normalize_portal_url(typed, "online")
    for secret in ("s3cret-pass", "abc123xyz", "hunter2hunter2"):
        assert secret not in caught.value.user_message


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(PortalUrlError, match='"online"'):
        normalize_portal_url("https://www.arcgis.com", "arcgis")  # type: ignore[arg-type]


def test_sharing_root_appends_the_rest_path() -> None:
    assert sharing_root("https://www.arcgis.com") == "https://www.arcgis.com/sharing/rest"
    assert sharing_root("https://127.0.0.1:8443/portal") == "https://127.0.0.1:8443/portal/sharing/rest"
    assert sharing_root("https://127.0.0.1:8443/portal/") == "https://127.0.0.1:8443/portal/sharing/rest"


@pytest.mark.parametrize(("typed", "kind"), [
    ("https://www.arcgis.com", "online"),
    ("https://myorg.maps.arcgis.com/home", "online"),
    ("https://gis.example.com/portal", "enterprise"),
    ("https://127.0.0.1:8443", "online"),
    ("https://127.0.0.1:8443/portal", "enterprise"),
    ("https://gis.example.com", None),
    ("https://www.gis.example.com/portal", None),
    ("https://www.arcgis.com/portal", None),
    ("http://www.arcgis.com", None),
    ("nonsense", None),
])
def test_guess_kind(typed: str, kind: str | None) -> None:
    assert guess_kind(typed) == kind


@pytest.mark.parametrize("partial", ["", "  ", "h", "HT", "https", "https:", "https:/", "https://"])
def test_as_you_type_is_quiet_while_the_scheme_is_being_typed(partial: str) -> None:
    assert validate_portal_url_as_you_type(partial, "online") is None


def test_as_you_type_reports_the_same_sentence_as_the_save() -> None:
    assert validate_portal_url_as_you_type("https://gis.example.com/portal", "enterprise") is None
    assert validate_portal_url_as_you_type("https://www.gis.example.com/portal", "enterprise") == \
        'Do not include "www." in an ArcGIS Enterprise URL: use https://gis.example.com/portal.'
    assert "use https://" in (validate_portal_url_as_you_type("http://x", "online") or "")
    assert "must start with https://" in (validate_portal_url_as_you_type("www.arcgis.com", "online") or "")


# --- TP-URL -----------------------------------------------------------------------------------------------------------
STRESS = bool(os.environ.get("ALLSOURCE_TUI_STRESS"))
TP_URL_EXAMPLES = 20_000 if STRESS else 600  # hypothesis examples (the seeded fuzz below adds 20 000 cheap ones)
TP_URL_FUZZ = 200_000 if STRESS else 20_000  # cheap seeded combinations of the same pieces
TOKEN_MARK = "TOKENxq7"

HOSTS = ["www.arcgis.com", "WWW.ArcGIS.com", "org.maps.arcgis.com", "arcgis.com", "gis.example.com", "GIS.Example.com",
         "127.0.0.1", "127.9.9.9", "localhost", "[::1]", "bücher.example", "gis.example.com.", "www.gis.example.com",
         "ＧＩＳ.example", "xn--bcher-kva.example", "[::ffff:1.2.3.4]", "", "1.2.3", "300.1.1.1", "[::1", "a..b",
         "-x.com", "evil.com%2f", "arcgis.com.evil.example", "::1", "a_b.example", "ex\u200bample.com", "é",
         "[fe80::1%eth0]", "x" * 300 + ".com"]
SCHEMES = ["https://"] * 8 + ["HTTPS://", "Https://", "http://", "file://", "javascript:", "ftp://", "https:",
                              "https:/", "", "data:text/html,", "https:\\\\"]
USERINFO = [""] * 8 + ["user@", f"user:{TOKEN_MARK}@", ":@", "@"]
PORTS = ["", "", "", ":8443", ":7443", ":443", ":", ":0", ":65536", ":x", ":-1", ":08443", ":٣", ":" + "9" * 30]
SEGMENTS = ["portal", "portal", "arcgis", "Portal", "home", "sharing", "rest", "index.html", "..", ".", "", "%2e%2e",
            "%7E", "a b", "p%41", "<", "日本", "x@y", "%zz", "HOME", "Sharing"]
QUERIES = [""] * 8 + [f"?token={TOKEN_MARK}", f"?access_token={TOKEN_MARK}", "?", "#", f"#{TOKEN_MARK}", "?a#b"]
SPACES = ["", "", "", " ", "\t", "\n ", "\u00a0"]
TAILS = ["", "", "/", "//"]


# pieces that are mostly valid (so the accepting paths are exercised), mixed with every bad piece
PREFIXES = [sp + sc + ui for sp in SPACES for sc in SCHEMES for ui in USERINFO]
SUFFIXES = [q + sp for q in QUERIES for sp in SPACES]


def _mostly(valid: list[str], every: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(valid), st.sampled_from(every))


@st.composite
def _portal_urls(draw: st.DrawFn) -> str:
    host = draw(st.one_of(_mostly(HOSTS[:12], HOSTS), st.text(max_size=10)))
    segments = draw(st.lists(_mostly(SEGMENTS[:5], SEGMENTS), max_size=4))
    pieces = [draw(_mostly(["https://"], PREFIXES)), host, draw(_mostly(PORTS[:6], PORTS)),
              "".join("/" + s for s in segments), draw(st.sampled_from(TAILS)), draw(_mostly([""], SUFFIXES))]
    return "".join(pieces)


def _random_url(rng: random.Random) -> str:
    def mostly(valid: list[str], every: list[str]) -> str:
        return rng.choice(valid if rng.random() < 0.7 else every)

    path = "".join("/" + mostly(SEGMENTS[:5], SEGMENTS) for _ in range(rng.randrange(5))) + rng.choice(TAILS)
    pieces = [mostly(["https://"], PREFIXES), mostly(HOSTS[:12], HOSTS), mostly(PORTS[:6], PORTS), path,
              mostly([""], SUFFIXES)]
    return "".join(pieces)


class _Tally:
    def __init__(self) -> None:
        self.examples = self.accepted = self.refused = 0

    def check(self, url: str, kind: str) -> None:
        """Every property of TP-URL for one input; an exception other than PortalUrlError fails the test."""
        self.examples += 1
        try:
            normalised = normalize_portal_url(url, kind)
        except PortalUrlError as error:
            self.refused += 1
            assert error.user_message.endswith(".") and TOKEN_MARK not in error.user_message
            return
        self.accepted += 1
        _assert_clean(normalised)
        assert normalize_portal_url(normalised, kind) == normalised

    def figure(self, label: str) -> str:
        return (f"\nTP-URL ({label}): {self.examples} examples ({self.accepted} accepted, {self.refused} refused): "
                "0 not idempotent, 0 non-https, 0 userinfo/query/fragment kept, 0 tokens in output, 0 uncaught")


def _assert_clean(normalised: str) -> None:
    assert normalised.startswith("https://")
    assert not re.search(r"[\s@?#\\]", normalised)
    assert TOKEN_MARK not in normalised and normalised.isascii()
    parts = urlsplit(normalised)
    assert parts.scheme == "https" and parts.hostname and not parts.username and not parts.query
    assert not parts.path.endswith("/") and "/sharing" not in parts.path.lower()


def test_tp_url_hypothesis() -> None:
    """TP-URL: idempotent, https only, no userinfo/query/fragment kept, only PortalUrlError ever raised."""
    tally = _Tally()

    @settings(max_examples=TP_URL_EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(url=st.one_of(_portal_urls(), st.text(max_size=40)), kind=st.sampled_from(["online", "enterprise"]))
    def check(url: str, kind: str) -> None:
        tally.check(url, kind)

    check()
    print(tally.figure("hypothesis"))
    assert tally.examples >= TP_URL_EXAMPLES
    assert tally.accepted >= tally.examples // 40  # the generator does reach the accepting paths


def test_tp_url_seeded_fuzz() -> None:
    """The same properties over many more combinations of the same pieces, cheaply (no shrinking needed)."""
    rng, tally = random.Random(8443), _Tally()
    for _ in range(TP_URL_FUZZ):
        tally.check(_random_url(rng), rng.choice(["online", "enterprise"]))
    print(tally.figure("seeded"))
    assert tally.accepted >= tally.examples // 10
