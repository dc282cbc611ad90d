"""The demo portal holds the line the real one does (issue 11 item 6): the computer that holds an offline license is
the token's computer, not a form field; OAuth needs PKCE with S256; the demo CA is name-constrained and short-lived."""

from __future__ import annotations

import datetime
import ipaddress
import secrets
import ssl
from pathlib import Path

import pytest
import trustme
from cryptography import x509

from tests.test_demo_portal_oauth import OOB, pkce_pair
from tui.demo_portal import create_app
from tui.demo_portal.testing import DemoClient, message_code
from tui.demo_portal.tls import CA_CERT, CA_KEY, load_or_create_ca, prepare_tls


async def test_a_copied_state_file_cannot_check_in_or_recover_from_another_computer(tmp_path: Path) -> None:
    app = create_app(tmp_path)
    async with DemoClient(app, "machine-a") as lab, DemoClient(app, "machine-b") as laptop:
        laptop_token = await laptop.token("pro_adv")  # signed in on the laptop before the lab PC took it offline
        lab_token = await lab.token("pro_adv")
        intent = secrets.token_hex(16)
        checkout = (await lab.check_out(lab_token, alias="Lab PC", intent_id=intent))["checkOut"]
        # The laptop holds a copy of the lab PC's state.toml: its machineId, OS user, intent and device credential.
        status = await laptop.check_out_status(laptop_token, intent, machine_id="machine-a")
        assert message_code(status) == "ASTUI_WRONG_COMPUTER" and status["error"]["details"] == ["Lab PC"]
        answer = await laptop.check_in(laptop_token, checkout["deviceCredential"], machine_id="machine-a")
        assert message_code(answer) == "ASTUI_WRONG_COMPUTER" and answer["error"]["details"] == ["Lab PC"]
        # still held by the lab PC, which can ask about it and check it in
        assert (await lab.check_out_status(lab_token, intent))["checkOut"]["intentId"] == intent
        assert (await lab.check_in(lab_token, checkout["deviceCredential"]))["success"] is True


async def test_a_token_of_another_user_cannot_check_in_the_license(tmp_path: Path) -> None:
    app = create_app(tmp_path)
    async with DemoClient(app, "machine-a") as lab:
        owner, other = await lab.token("pro_adv"), await lab.token("creator_std")
        checkout = (await lab.check_out(owner))["checkOut"]
        answer = await lab.check_in(other, checkout["deviceCredential"])
        assert message_code(answer) == "ASTUI_NOT_OFFLINE"  # the token's own user has nothing checked out
        assert (await lab.check_in(owner, checkout["deviceCredential"]))["success"] is True


@pytest.mark.parametrize("pkce", [{}, {"code_challenge_method": "plain"}, {"code_challenge_method": "S256"}])
async def test_oauth_authorize_requires_pkce_with_s256(tmp_path: Path, pkce: dict) -> None:
    _, challenge = pkce_pair()
    params = {"client_id": "allsource-tui", "response_type": "code", "redirect_uri": OOB, "state": "xyz", **pkce}
    if pkce:
        params["code_challenge"] = challenge
    async with DemoClient(create_app(tmp_path)) as client:
        page = await client.http.get(f"{client.root}/oauth2/authorize", params=params)
    if pkce.get("code_challenge_method") == "S256":
        assert page.status_code == 200
    else:
        assert page.status_code == 400 and ("S256" in page.text)


def _verify(ca_pem: bytes, leaf: trustme.LeafCert, host: str) -> None:
    """A TLS handshake in memory (OpenSSL, as Python and httpx use it) by a client that trusts only ``ca_pem``."""
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    leaf.configure_cert(server_context)
    client_context = ssl.create_default_context(cadata=ca_pem.decode())
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    client = client_context.wrap_bio(c_in, c_out, server_hostname=host)
    server = server_context.wrap_bio(s_in, s_out, server_side=True)
    for _ in range(20):
        for side in (client, server):
            try:
                side.do_handshake()
            except ssl.SSLWantReadError:
                pass
            if side is client and client.version() is not None:
                return
        s_in.write(c_out.read())
        c_in.write(s_out.read())
    raise AssertionError("the handshake did not finish")


def test_the_demo_ca_vouches_for_loopback_names_only(tmp_path: Path) -> None:
    prepare_tls(tmp_path)
    ca_pem = (tmp_path / CA_CERT).read_bytes()
    ca_cert = x509.load_pem_x509_certificate(ca_pem)
    constraints = ca_cert.extensions.get_extension_for_class(x509.NameConstraints)
    assert constraints.critical
    assert set(constraints.value.permitted_subtrees) == {
        x509.IPAddress(ipaddress.ip_network("127.0.0.1/32")), x509.IPAddress(ipaddress.ip_network("::1/128")),
        x509.DNSName("localhost")}
    assert ca_cert.not_valid_after_utc - ca_cert.not_valid_before_utc <= datetime.timedelta(days=366)
    ca = load_or_create_ca(tmp_path)  # reused, not replaced
    assert ca.cert_pem.bytes() == ca_pem
    _verify(ca_pem, ca.issue_cert("127.0.0.1"), "127.0.0.1")
    _verify(ca_pem, ca.issue_cert("localhost"), "localhost")
    with pytest.raises(ssl.SSLCertVerificationError, match=r"name constraint|permitted"):
        _verify(ca_pem, ca.issue_cert("www.arcgis.com"), "www.arcgis.com")
    with pytest.raises(ssl.SSLCertVerificationError, match=r"name constraint|permitted"):
        _verify(ca_pem, ca.issue_cert("10.0.0.1"), "10.0.0.1")


def test_a_ca_near_its_end_or_without_constraints_is_renewed_at_start(tmp_path: Path) -> None:
    first = load_or_create_ca(tmp_path).cert_pem.bytes()
    end = x509.load_pem_x509_certificate(first).not_valid_after_utc
    assert load_or_create_ca(tmp_path, now=end - datetime.timedelta(days=31)).cert_pem.bytes() == first
    renewed = load_or_create_ca(tmp_path, now=end - datetime.timedelta(days=29)).cert_pem.bytes()
    assert renewed != first and (tmp_path / CA_CERT).read_bytes() == renewed
    legacy = trustme.CA(organization_name="allsource-tui demo portal")  # what older versions made: no constraints
    (tmp_path / CA_CERT).write_bytes(legacy.cert_pem.bytes())
    (tmp_path / CA_KEY).write_bytes(legacy.private_key_pem.bytes())
    replaced = x509.load_pem_x509_certificate(load_or_create_ca(tmp_path).cert_pem.bytes())
    assert replaced.extensions.get_extension_for_class(x509.NameConstraints).critical
