"""Every error kind the client raises: ArcGIS envelopes, status envelopes, HTTP statuses, bad bodies, transport."""

from __future__ import annotations

import httpx
import pytest

from tests.test_portal_support import FakePortal, arcgis, fixture, make_client
from tui.core.errors import (
    AuthError,
    Forbidden,
    InvalidCredentials,
    NotFound,
    PortalError,
    PortalRefused,
    PortalTLSError,
    PortalUnreachable,
    TokenExpired,
    TokenRequired,
    UnexpectedResponse,
)
from tui.core.secret import Secret

TOKEN = Secret("error-test-token-abcdef0123")
HOST = "portal.test"


def envelope(code, message="Something.", details=(), message_code=None) -> dict:
    error = {"code": code, "message": message, "details": list(details)}
    if message_code:
        error["messageCode"] = message_code
    return {"error": error}


async def _community_self_answering(reply) -> Exception:
    fake = FakePortal().on("GET", "/community/self", reply)
    with pytest.raises(PortalError) as caught:
        await make_client(fake, max_retries=0).community_self(TOKEN)
    return caught.value


@pytest.mark.parametrize(("body", "kind", "code"), [
    (envelope(498, "Invalid token."), TokenExpired, 498),
    (envelope("498", "Invalid token."), TokenExpired, 498),  # codes as strings are seen in the wild
    (envelope(499, "Token Required", ["Token Required"], "GWM_0003"), TokenRequired, 499),
    (envelope(403, "You do not have permissions.", message_code="GWM_0003"), Forbidden, 403),
    (envelope(404, "Not found."), NotFound, 404),
    (envelope(400, "Item does not exist or is inaccessible.", message_code="CONT_0001"), NotFound, 400),
    (envelope(400, "User 'x' does not exist or is inaccessible."), NotFound, 400),
    (envelope(400, "Unable to generate token.", ["Invalid username or password."]), InvalidCredentials, 400),
    (envelope(403, "Too many computers.", message_code="ASTUI_COMPUTER_LIMIT"), PortalRefused, 403),
    (envelope(500, "Internal error."), PortalError, 500),
    ({"status": "error", "messages": ["Token Required."], "code": 499}, TokenRequired, 499),
    ({"status": "error", "messages": ["User not found."], "code": 400}, PortalError, 400),
    ({"status": "failed"}, PortalError, None),
])
async def test_envelopes_become_typed_errors(body: dict, kind: type[PortalError], code: int | None) -> None:
    error = await _community_self_answering(arcgis(body))
    assert type(error) is kind and error.code == code
    assert error.message.endswith(".") and "\n" not in error.message


@pytest.mark.parametrize("code", [float("inf"), float("nan"), [498], {"n": 1}, "abc", None])
async def test_a_code_that_is_no_number_becomes_a_plain_portal_error(code: object) -> None:
    # Python's json reads Infinity/NaN; int(Infinity) raises OverflowError, which once escaped as a crash.
    error = await _community_self_answering(arcgis(envelope(code, "Odd answer.")))
    assert type(error) is PortalError and error.code is None
    assert error.message == "portal.test refused the request: Odd answer."


@pytest.mark.parametrize("status", [200, 400, 403, 500])
async def test_the_body_decides_whatever_the_http_status(status: int) -> None:
    error = await _community_self_answering(arcgis(envelope(498, "Invalid token."), status=status))
    assert isinstance(error, TokenExpired)


async def test_project_codes_keep_message_code_and_details() -> None:
    body = envelope(403, "The license is offline on another computer.", ["Lab PC", "m-123"], "ASTUI_OFFLINE_HELD")
    error = await _community_self_answering(arcgis(body))
    assert isinstance(error, PortalRefused) and not isinstance(error, AuthError)
    assert (error.message_code, error.details) == ("ASTUI_OFFLINE_HELD", ("Lab PC", "m-123"))
    assert error.message == "The license is offline on another computer."


async def test_invalid_credentials_message_is_exact_and_holds_no_password() -> None:
    fake = FakePortal().on("POST", "/generateToken", arcgis(fixture("generateToken-invalid-credentials.json")))
    with pytest.raises(InvalidCredentials) as caught:
        await make_client(fake).generate_token("jsmith", "hunter2-secret", expiration_minutes=60)
    assert caught.value.message == "Invalid username or password." and caught.value.code == 400
    assert caught.value.details == ("Invalid username or password.",)


@pytest.mark.parametrize(("response", "needle"), [
    (httpx.Response(200, text="<!DOCTYPE html><html>Sign in</html>"), "HTML page"),
    (httpx.Response(200, text="{not json"), "not JSON"),
    (httpx.Response(200, text="[1, 2]"), "not JSON"),
    (httpx.Response(200, text=""), "empty answer"),
    (httpx.Response(502, text=""), "HTTP 502 and no body"),
    (httpx.Response(503, text="<html>busy</html>"), "HTTP 503 and an error page"),
    (httpx.Response(302, headers={"Location": "https://elsewhere.test/login?next=1"}), "redirect"),
    (httpx.Response(418, text="teapot"), "HTTP 418"),
])
async def test_answers_that_are_not_arcgis_raise_unexpected_response(response: httpx.Response, needle: str) -> None:
    error = await _community_self_answering(response)
    assert type(error) is UnexpectedResponse and needle in error.message, error.message
    assert HOST in error.message and "elsewhere" not in error.message


async def test_http_401_without_envelope_asks_for_sign_in() -> None:
    error = await _community_self_answering(httpx.Response(401, text="<html>Unauthorized</html>"))
    assert type(error) is TokenRequired and error.code == 401 and error.exit_code == 3


async def test_http_404_without_envelope_is_not_found() -> None:
    error = await _community_self_answering(httpx.Response(404, text="<html>nope</html>"))
    assert type(error) is NotFound and error.code == 404


async def test_json_labelled_text_plain_or_json_is_parsed_alike() -> None:
    user = {"username": "jsmith", "fullName": "John Smith"}
    for content_type in ("text/plain;charset=utf-8", "application/json", "text/html"):
        fake = FakePortal().on("GET", "/community/self", httpx.Response(200, json=user,
                                                                        headers={"content-type": content_type}))
        assert (await make_client(fake).community_self(TOKEN)).username == "jsmith"


async def test_missing_required_field_is_unexpected_response() -> None:
    error = await _community_self_answering(arcgis({"fullName": "No Username"}))
    assert type(error) is UnexpectedResponse and "'username'" in error.message


@pytest.mark.parametrize(("exception", "kind", "reason"), [
    (httpx.ConnectError("[Errno 111] Connection refused"), PortalUnreachable, "connection refused"),
    (httpx.ConnectError("[Errno -2] Name or service not known"), PortalUnreachable, "host name not found"),
    (httpx.ConnectTimeout("timed out"), PortalUnreachable, "connection timed out"),
    (httpx.ReadTimeout("timed out"), PortalUnreachable, "did not answer in time"),
    (httpx.RemoteProtocolError("Server disconnected without sending a response."), PortalUnreachable, "closed"),
    (httpx.ReadError("[Errno 104] Connection reset by peer"), PortalUnreachable, "reset"),
    (httpx.ProxyError("407 Proxy Authentication Required"), PortalUnreachable, "proxy"),
    (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate"),
     PortalTLSError, "not trusted"),
])
async def test_transport_failures_become_unreachable(exception: Exception, kind: type, reason: str) -> None:
    error = await _community_self_answering(exception)
    assert type(error) is kind and reason in error.message, error.message
    assert error.exit_code == 5 and error.__cause__ is None and error.__suppress_context__
    if kind is PortalUnreachable:
        assert error.message == f"Could not reach {HOST}: {error.message.split(': ', 1)[1]}"
        assert error.message.endswith("Check the URL and your network or proxy.")
    else:
        assert "set ca_bundle in config.toml or SSL_CERT_FILE" in error.message


async def test_error_text_from_the_portal_is_redacted_and_loses_query_strings() -> None:
    token = "leaky-token-value-987654321"
    Secret(token)  # registered with the redaction layer, as every live token is
    body = envelope(400, f"Bad call https://portal.test/x?token={token}&a=1 with {token} password=pw123456")
    error = await _community_self_answering(arcgis(body))
    assert token not in error.message and "?token" not in error.message and "pw123456" not in error.message
    assert "https://portal.test/x" in error.message


async def test_overlong_portal_messages_are_cut_to_one_short_line() -> None:
    error = await _community_self_answering(arcgis(envelope(400, "word\n" * 500)))
    assert len(error.message) < 300 and "\n" not in error.message
