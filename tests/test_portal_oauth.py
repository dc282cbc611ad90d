"""OAuth 2.0 + PKCE (T-5) and token expiry arithmetic with clock skew (T-1, TP-CLOCK at the client level)."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.test_portal_support import PORTAL_URL, FakePortal, arcgis, fixture, form, http_date, make_client
from tui.core.clock import FakeClock
from tui.core.errors import UsageError
from tui.core.secret import Secret
from tui.portal import OOB_REDIRECT_URI, PkcePair, authorize_url, clean_authorization_code, new_state

EXPIRES_MS = 1_800_003_600_000  # server says: valid until 1 h after 1_800_000_000


def test_pkce_verifier_length_charset_and_s256_challenge() -> None:
    pairs = [PkcePair.new() for _ in range(200)]
    lengths = {len(pair.verifier.reveal()) for pair in pairs}
    print(f"TP-HEADLESS verifier lengths: {sorted(lengths)} (allowed 43-128)")
    assert all(43 <= n <= 128 for n in lengths)
    assert len({pair.verifier.reveal() for pair in pairs}) == 200
    for pair in pairs[:20]:
        verifier = pair.verifier.reveal()
        assert re.fullmatch(r"[A-Za-z0-9_\-]+", verifier) and pair.method == "S256"
        expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
        assert pair.challenge == expected and "=" not in pair.challenge
        assert verifier not in repr(pair)


def test_state_is_random_and_url_safe() -> None:
    states = {new_state() for _ in range(100)}
    assert len(states) == 100 and all(re.fullmatch(r"[A-Za-z0-9_\-]{32}", s) for s in states)


def test_authorize_url_carries_no_secret() -> None:
    pair, state = PkcePair.new(), new_state()
    url = authorize_url(PORTAL_URL, "allsource-tui", code_challenge=pair.challenge, state=state,
                        expiration_minutes=20160)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == PORTAL_URL + "/sharing/rest/oauth2/authorize"
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert query == {"client_id": "allsource-tui", "response_type": "code", "redirect_uri": OOB_REDIRECT_URI,
                     "code_challenge": pair.challenge, "code_challenge_method": "S256", "state": state,
                     "expiration": "20160"}
    assert pair.verifier.reveal() not in url and not re.search(r"(token|password|verifier)=", url)


def test_client_authorize_url_matches_the_function() -> None:
    client = make_client(FakePortal())
    assert client.authorize_url("app", code_challenge="c", state="s") == authorize_url(PORTAL_URL, "app",
                                                                                        code_challenge="c", state="s")


@pytest.mark.parametrize(("pasted", "code"), [("  abc-DEF_123.x  ", "abc-DEF_123.x"),
                                              ("SUCCESS code=Zz9-8", "Zz9-8"), ("abcd\n", "abcd")])
def test_pasted_codes_are_trimmed(pasted: str, code: str) -> None:
    assert clean_authorization_code(pasted) == code


@pytest.mark.parametrize("pasted", ["", "   ", "abc def", "code<script>", "a;b", "x" * 5000])
def test_bad_pasted_codes_are_refused_without_echo(pasted: str) -> None:
    with pytest.raises(UsageError) as caught:
        clean_authorization_code(pasted)
    assert pasted.strip() == "" or pasted not in caught.value.message


async def test_token_from_code_posts_the_pkce_fields() -> None:
    fake = FakePortal().on("POST", "/oauth2/token", arcgis(fixture("oauth2-token-authorization_code.json")))
    pair = PkcePair.new()
    await make_client(fake).token_from_code("allsource-tui", "  the-code-1  ", pair.verifier)
    (request,) = fake.requests
    assert form(request) == {"grant_type": "authorization_code", "client_id": "allsource-tui", "code": "the-code-1",
                             "code_verifier": pair.verifier.reveal(), "redirect_uri": OOB_REDIRECT_URI, "f": "json"}
    assert request.url.query == b"" and "X-Esri-Authorization" not in request.headers


async def test_refresh_and_exchange_send_their_grant_types() -> None:
    refresh = Secret("refresh-token-value-1")
    fake = FakePortal().on("POST", "/oauth2/token", arcgis(fixture("oauth2-token-refresh.json")),
                           arcgis(fixture("oauth2-token-exchange_refresh_token.json")))
    client = make_client(fake)
    await client.refresh("app", refresh)
    await client.exchange_refresh_token("app", refresh, "https://app.example/cb")
    first, second = (form(r) for r in fake.requests)
    assert first == {"grant_type": "refresh_token", "client_id": "app", "refresh_token": refresh.reveal(), "f": "json"}
    assert second == {"grant_type": "exchange_refresh_token", "client_id": "app",
                      "redirect_uri": "https://app.example/cb", "refresh_token": refresh.reveal(), "f": "json"}


async def test_oauth_expiries_are_receipt_time_plus_expires_in_whatever_the_server_date() -> None:
    clock = FakeClock(1_800_000_000.0)
    body = fixture("oauth2-token-authorization_code.json")
    fake = FakePortal().on("POST", "/oauth2/token", arcgis(body, headers={"Date": http_date(clock.now() - 7200)}))
    grant = await make_client(fake, clock=clock).token_from_code("app", "code-123", "v" * 43)
    assert grant.expires_at == clock.now() + 1800 and grant.refresh_expires_at == clock.now() + 1209599


@pytest.mark.parametrize("skew_minutes", [-30, -5, 0, 5, 30])
async def test_generate_token_expiry_is_corrected_for_clock_skew(skew_minutes: int) -> None:
    """Local clock = server clock + skew: the token lives 1 h on either clock."""
    server_now = EXPIRES_MS / 1000 - 3600
    clock = FakeClock(server_now + skew_minutes * 60)
    body = {"token": "skew-token-0123456789", "expires": EXPIRES_MS, "ssl": True}
    fake = FakePortal().on("POST", "/generateToken", arcgis(body, headers={"Date": http_date(server_now)}))
    grant = await make_client(fake, clock=clock).generate_token("u", "password-1", expiration_minutes=120)
    naive = EXPIRES_MS / 1000
    print(f"TP-CLOCK skew {skew_minutes:+d} min: expires in {grant.expires_at - clock.now():.0f} s local "
          f"(naive reading would say {naive - clock.now():.0f} s)")
    assert grant.expires_at == pytest.approx(clock.now() + 3600)


async def test_generate_token_without_date_header_uses_the_local_clock() -> None:
    clock = FakeClock(EXPIRES_MS / 1000 - 1000)
    body = {"token": "nodate-token-0123456789", "expires": EXPIRES_MS}
    fake = FakePortal().on("POST", "/generateToken", arcgis(body))
    grant = await make_client(fake, clock=clock).generate_token("u", "password-1", expiration_minutes=60)
    assert grant.expires_at == pytest.approx(EXPIRES_MS / 1000) and grant.ssl is False


@pytest.mark.parametrize(("server_offset", "expected_lifetime"), [
    (-10 * 3600, 3600.0),  # server claims 11 h left although 60 min were asked: clamp to what was asked
    (+2 * 3600, 0.0),  # already expired on the server's clock: never a negative lifetime
])
async def test_generate_token_lifetime_is_clamped(server_offset: int, expected_lifetime: float) -> None:
    server_now = EXPIRES_MS / 1000 - 3600 + server_offset
    clock = FakeClock(server_now)
    body = {"token": "clamp-token-0123456789", "expires": EXPIRES_MS}
    fake = FakePortal().on("POST", "/generateToken", arcgis(body, headers={"Date": http_date(server_now)}))
    grant = await make_client(fake, clock=clock).generate_token("u", "password-1", expiration_minutes=60)
    assert grant.expires_at - clock.now() == pytest.approx(expected_lifetime)
