"""Demo portal: OAuth 2.0 authorization code + PKCE with the out-of-band page, refresh, exchange and revocation."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets

import pytest

from tui.core.clock import FakeClock
from tui.demo_portal import create_app
from tui.demo_portal.testing import DemoClient, message_code

OOB = "urn:ietf:wg:oauth:2.0:oob"


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def app(tmp_path, clock):
    return create_app(tmp_path / "portal", clock=clock)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def oauth_info(page: str) -> dict:
    return json.loads(re.search(r"var oAuthInfo = (\{.*?\});", page).group(1))


async def authorize(client: DemoClient, challenge: str, **extra) -> tuple[str, str]:
    """(oauth_state, sign-in form action) from the authorize page."""
    page = await client.http.get(f"{client.root}/oauth2/authorize", params={
        "client_id": "allsource-tui", "response_type": "code", "redirect_uri": OOB, "code_challenge": challenge,
        "code_challenge_method": "S256", "state": "xyz", **extra})
    assert page.status_code == 200, page.text
    action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
    return oauth_info(page.text)["oauth_state"], action


async def sign_in_for_code(client: DemoClient, username: str, challenge: str, **extra) -> str:
    oauth_state, action = await authorize(client, challenge, **extra)
    page = await client.http.post(action, data={"oauth_state": oauth_state, "username": username,
                                                "password": "allsource-demo", "authorize": "true"})
    return re.search(r"<title>SUCCESS code=([^<]+)</title>", page.text).group(1)


async def exchange(client: DemoClient, code: str, verifier: str, **extra) -> dict:
    return await client.post("oauth2/token", client_id="allsource-tui", grant_type="authorization_code", code=code,
                             redirect_uri=OOB, code_verifier=verifier, **extra)


async def oauth_tokens(client: DemoClient, username: str) -> dict:
    verifier, challenge = pkce_pair()
    return await exchange(client, await sign_in_for_code(client, username, challenge), verifier)


async def test_sign_in_page_wrong_password_then_code_then_tokens(app):
    verifier, challenge = pkce_pair()
    async with DemoClient(app) as client:
        oauth_state, action = await authorize(client, challenge)
        wrong = await client.http.post(action, data={"oauth_state": oauth_state, "username": "pro_adv",
                                                     "password": "nope"})
        right = await client.http.post(action, data={"oauth_state": oauth_state, "username": "pro_adv",
                                                     "password": "allsource-demo"})
        code = re.search(r"<title>SUCCESS code=([^<]+)</title>", right.text).group(1)
        answer = await exchange(client, code, verifier)
        me = await client.get("community/self", answer["access_token"])
        reused = await exchange(client, code, verifier)
    assert action == "https://127.0.0.1:8443/sharing/oauth2/signin"
    assert "Invalid username or password" in wrong.text and oauth_info(wrong.text)["oauth_state"] == oauth_state
    assert set(answer) == {"access_token", "expires_in", "username", "ssl", "refresh_token",
                           "refresh_token_expires_in"}
    assert (answer["expires_in"], answer["refresh_token_expires_in"], answer["username"]) == (1800, 1209599, "pro_adv")
    assert me["username"] == "pro_adv"
    assert reused["error"]["error"] == "invalid_request"   # codes are single-use


async def test_enterprise_signs_in_under_portal(app):
    verifier, challenge = pkce_pair()
    async with DemoClient(app, enterprise=True) as client:
        _, action = await authorize(client, challenge)
        answer = await exchange(client, await sign_in_for_code(client, "ent_user", challenge), verifier)
    assert action == "https://127.0.0.1:8443/portal/sharing/oauth2/signin"
    assert answer["username"] == "ent_user"


async def test_refresh_and_exchange_then_revoking_the_refresh_token_kills_its_access_tokens(app):
    async with DemoClient(app) as client:
        first = await oauth_tokens(client, "pro_adv")
        refreshed = await client.post("oauth2/token", client_id="allsource-tui", grant_type="refresh_token",
                                      refresh_token=first["refresh_token"], redirect_uri=OOB)
        exchanged = await client.post("oauth2/token", client_id="allsource-tui", grant_type="exchange_refresh_token",
                                      refresh_token=first["refresh_token"], redirect_uri=OOB)
        old_refresh = await client.post("oauth2/token", client_id="allsource-tui", grant_type="refresh_token",
                                        refresh_token=first["refresh_token"])
        access_tokens = [first["access_token"], refreshed["access_token"], exchanged["access_token"]]
        alive = [(await client.get("community/self", t)).get("username") for t in access_tokens]
        assert await client.post("oauth2/revokeToken", client_id="allsource-tui",
                                 auth_token=exchanged["refresh_token"]) == {"success": True}
        dead = [(await client.get("community/self", t))["error"]["code"] for t in access_tokens]
    assert set(refreshed) == {"access_token", "expires_in", "username", "ssl"}
    assert exchanged["refresh_token"] != first["refresh_token"] and exchanged["refresh_token_expires_in"] == 1209599
    assert old_refresh["error"]["error"] == "invalid_request"
    assert alive == ["pro_adv"] * 3 and dead == [498] * 3


async def test_token_endpoint_errors(app, clock):
    verifier, challenge = pkce_pair()
    async with DemoClient(app) as client:
        bad_client = await client.post("oauth2/token", client_id="nope", grant_type="authorization_code")
        bad_verifier = await exchange(client, await sign_in_for_code(client, "pro_adv", challenge), "x" * 43)
        bad_redirect = await client.post("oauth2/token", client_id="allsource-tui", grant_type="authorization_code",
                                         code=await sign_in_for_code(client, "pro_adv", challenge),
                                         redirect_uri="https://evil.example/", code_verifier=verifier)
        late_code = await sign_in_for_code(client, "pro_adv", challenge)
        clock.advance(301)
        late = await exchange(client, late_code, verifier)
        short = await exchange(client, await sign_in_for_code(client, "pro_adv", challenge, expiration=1), verifier)
        clock.advance(61)
        expired = await client.post("oauth2/token", client_id="allsource-tui", grant_type="refresh_token",
                                    refresh_token=short["refresh_token"])
    assert bad_client == {"error": {"code": 400, "error": "invalid_client_id", "error_description": "Invalid client_id",
                                    "message": "Invalid client_id", "details": []}}
    for refused in (bad_verifier, bad_redirect, late):
        assert refused["error"]["code"] == 400 and refused["error"]["error"] == "invalid_request"
    assert expired["error"] == {"code": 498, "error": "invalid_request", "error_description": "refresh_token expired",
                                "message": "refresh_token expired", "details": []}


async def test_authorize_refuses_unknown_client_and_foreign_redirect(app):
    async with DemoClient(app) as client:
        unknown = await client.http.get(f"{client.root}/oauth2/authorize", params={
            "client_id": "nope", "response_type": "code", "redirect_uri": OOB})
        foreign = await client.http.get(f"{client.root}/oauth2/authorize", params={
            "client_id": "allsource-tui", "response_type": "code", "redirect_uri": "https://evil.example/cb"})
    assert unknown.status_code == 400 and "Invalid client_id" in unknown.text
    assert foreign.status_code == 400 and "Invalid redirect_uri" in foreign.text


async def test_computer_and_offline_rules_apply_to_oauth_tokens(tmp_path):
    app = create_app(tmp_path / "portal")
    computers = [DemoClient(app, f"machine-{n}") for n in range(4)]
    for computer in computers[:3]:
        await computer.token("pro_adv")
    assert message_code(await oauth_tokens(computers[3], "pro_adv")) == "ASTUI_COMPUTER_LIMIT"
    holder, other = computers[0], computers[1]
    tokens = await oauth_tokens(holder, "creator_std")
    await holder.check_out(tokens["access_token"], alias="holder-alias")
    held = await oauth_tokens(other, "creator_std")
    holder_refresh = await holder.post("oauth2/token", client_id="allsource-tui", grant_type="refresh_token",
                                          refresh_token=tokens["refresh_token"])
    assert held["error"]["messageCode"] == "ASTUI_OFFLINE_HELD" and held["error"]["details"][0] == "holder-alias"
    assert "access_token" in holder_refresh   # the holder itself keeps working
    for computer in computers:
        await computer.http.aclose()


async def test_a_refresh_token_of_a_user_no_longer_in_the_organisation_gets_an_oauth_error(app, monkeypatch):
    # The member lookup may find nobody (an account removed while its tokens live); that once crashed the grant
    # with an AttributeError (HTTP 500) instead of answering like ArcGIS.
    import tui.demo_portal.oauth as demo_oauth

    async with DemoClient(app) as client:
        tokens = await oauth_tokens(client, "pro_adv")
        monkeypatch.setattr(demo_oauth, "find_account", lambda org, username: None)
        refreshed = await client.post("oauth2/token", client_id="allsource-tui", grant_type="refresh_token",
                                      refresh_token=tokens["refresh_token"])
        exchanged = await client.post("oauth2/token", client_id="allsource-tui", grant_type="exchange_refresh_token",
                                      refresh_token=tokens["refresh_token"], redirect_uri=OOB)
    for answer in (refreshed, exchanged):
        assert answer["error"]["code"] == 400 and answer["error"]["error"] == "invalid_request"
        assert "access_token" not in answer
