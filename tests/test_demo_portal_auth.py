"""Demo portal: tokens, error envelopes, the referer binding, the 3-computer rule and Esri's own client sequence."""

from __future__ import annotations

import httpx
import pytest

from tui.core.clock import FakeClock
from tui.demo_portal import create_app
from tui.demo_portal.testing import DemoClient, message_code

INVALID_CREDENTIALS = {"error": {"code": 400, "message": "Unable to generate token.",
                                 "details": ["Invalid username or password."]}}


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def app(tmp_path, clock):
    return create_app(tmp_path / "portal", clock=clock)


@pytest.mark.parametrize("username, password, enterprise", [
    ("pro_adv", "wrong", False), ("nobody", "allsource-demo", False),
    ("ent_user", "allsource-demo", False),   # a member of the other org is as unknown as a typo
    ("pro_adv", "allsource-demo", True),
])
async def test_bad_credentials_answer_http_200_with_the_documented_body(app, username, password, enterprise):
    async with DemoClient(app, enterprise=enterprise) as client:
        response = await client.http.post(f"{client.root}/generateToken",
                                          data={"username": username, "password": password, "client": "referer",
                                                "referer": client.computer, "f": "json"})
    assert response.status_code == 200
    assert response.json() == INVALID_CREDENTIALS


async def test_generate_token_answers_token_expires_ms_and_ssl_and_caps_expiration(app, clock):
    async with DemoClient(app) as online, DemoClient(app, enterprise=True) as enterprise:
        short = await online.sign_in("pro_adv", expiration=60)
        capped = await enterprise.sign_in("ent_user", expiration=100_000)
    assert set(short) == {"token", "expires", "ssl"} and short["ssl"] is True
    assert short["expires"] == int((clock.now() + 3600) * 1000)
    assert capped["expires"] == int((clock.now() + 1440 * 60) * 1000)


async def test_token_errors_499_498_405_invalid_url_and_html_without_f_json(app):
    async with DemoClient(app) as client, DemoClient(app, enterprise=True) as other_org:
        no_token = await client.get("community/self")
        garbage = await client.get("community/self", "not-a-token")
        foreign = await client.get("community/self", await other_org.token("ent_user"))
        get_on_post = await client.http.get(f"{client.root}/generateToken", params={"f": "json"})
        unknown = await client.get("no/such/thing")
        html = await client.http.get(f"{client.root}/portals/self")
    assert no_token == {"error": {"code": 499, "messageCode": "GWM_0003", "message": "Token Required",
                                  "details": ["Token Required"]}}
    assert garbage == foreign == {"error": {"code": 498, "message": "Invalid token.", "details": []}}
    assert get_on_post.status_code == 200
    assert get_on_post.json()["error"] == {"code": 405, "messageCode": "GWM_0005", "message": "Method not supported.",
                                           "details": []}
    assert unknown["error"]["code"] == 400 and unknown["error"]["message"] == "Invalid URL"
    assert html.headers["content-type"].startswith("text/html") and "f=json" in html.text


async def test_token_is_accepted_from_both_headers_the_form_and_the_query(app):
    async with DemoClient(app) as client:
        token = await client.token("pro_adv")
        url = f"{client.root}/community/self"
        ways = [client.http.get(url, params={"f": "json"}, headers={"X-Esri-Authorization": f"Bearer {token}"}),
                client.http.get(url, params={"f": "json"}, headers={"Authorization": f"Bearer {token}"}),
                client.http.post(url, data={"f": "json", "token": token}),
                client.http.get(url, params={"f": "json", "token": token})]
        answers = [(await way).json() for way in ways]
    assert [answer.get("username") for answer in answers] == ["pro_adv"] * 4


async def test_referer_bound_token_needs_the_same_referer(app):
    async with DemoClient(app, "machine-a") as client:
        token = await client.token("pro_adv")
        url = f"{client.root}/community/self"
        auth = {"X-Esri-Authorization": f"Bearer {token}"}
        same = await client.http.get(url, params={"f": "json"}, headers=auth)
        other = await client.http.get(url, params={"f": "json"}, headers={**auth, "Referer": "allsource-tui:other"})
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://127.0.0.1:8443") as bare:
            missing = await bare.get(url, params={"f": "json"}, headers=auth)
    assert same.json()["username"] == "pro_adv"
    assert other.json()["error"]["code"] == 498 and missing.json()["error"]["code"] == 498


async def test_fourth_computer_is_refused_until_one_signs_out(app):
    computers = [DemoClient(app, f"machine-{n}") for n in range(5)]
    tokens = [await computers[n].token("pro_adv") for n in range(3)]
    again_on_first = await computers[0].token("pro_adv")   # same computer: same slot, no refusal
    refused = await computers[3].sign_in("pro_adv")
    assert refused["error"]["code"] == 403 and refused["error"]["details"] == []
    assert refused["error"]["messageCode"] == "ASTUI_COMPUTER_LIMIT" and refused["error"]["message"]
    for token in (tokens[0], again_on_first):
        assert await computers[0].sign_out(token) == {"success": True}
    assert "token" in await computers[3].sign_in("pro_adv")
    assert message_code(await computers[4].sign_in("pro_adv")) == "ASTUI_COMPUTER_LIMIT"
    assert "token" in await computers[4].sign_in("creator_std")   # the rule counts per user
    for computer in computers:
        await computer.http.aclose()


async def test_expired_tokens_do_not_hold_a_computer(app, clock):
    computers = [DemoClient(app, f"machine-{n}") for n in range(4)]
    for computer in computers[:3]:
        await computer.sign_in("pro_adv", expiration=5)
    assert message_code(await computers[3].sign_in("pro_adv")) == "ASTUI_COMPUTER_LIMIT"
    clock.advance(5 * 60 + 1)
    answer = await computers[3].sign_in("pro_adv")
    assert "token" in answer
    assert (await computers[3].get("community/self", answer["token"]))["username"] == "pro_adv"
    for computer in computers:
        await computer.http.aclose()


async def test_expired_and_revoked_tokens_answer_498(app, clock):
    async with DemoClient(app) as client:
        expiring = (await client.sign_in("pro_adv", expiration=1))["token"]
        revoked = await client.token("pro_adv")
        assert await client.sign_out(revoked) == {"success": True}
        assert await client.sign_out("never-issued") == {"success": True}   # no information leak
        clock.advance(61)
        answers = [await client.get("community/self", token) for token in (expiring, revoked)]
    assert [answer["error"]["code"] for answer in answers] == [498, 498]


@pytest.mark.parametrize("base", ["", "/portal"])
async def test_esri_python_client_sequence_replayed(app, base):
    """docs/portal-protocol.md, "What Esri's Python client sends": what ArcGIS API for Python 2.4.4 sends (it is not
    installed here, so we replay it).
    """
    username = "ent_user" if base else "pro_adv"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://127.0.0.1:8443") as esri:
        await esri.get(f"{base}/sharing/info")
        token_url = None
        for probe in ("/info", "/rest/info", "/sharing/rest/info"):   # _token_url_validator's order
            answer = (await esri.get(f"{base}{probe}?f=json")).json()
            token_url = answer["authInfo"]["tokenServicesUrl"]
            if token_url:
                break
        assert token_url == f"https://127.0.0.1:8443{base}/sharing/rest/generateToken"
        token = (await esri.post(token_url, data={"username": username, "password": "allsource-demo",
                                                  "referer": "http", "client": "referer", "expiration": 60,
                                                  "f": "json"})).json()["token"]
        headers = {"X-Esri-Authorization": f"Bearer {token}", "referer": "http"}
        root = f"https://127.0.0.1:8443{base}/sharing/rest"
        info = (await esri.get(f"{root}/info", params={"f": "json"}, headers=headers)).json()
        properties = (await esri.get(f"{root}/portals/self", params={"f": "json"}, headers=headers)).json()
        me = (await esri.get(f"{root}/community/users/{username}", params={"f": "json"}, headers=headers)).json()
    assert "authInfo" in info
    assert properties["portalName"] and properties["user"]["username"] == username
    assert me["username"] == username and me["fullName"]
