"""The demo portal's own certificate authority, kept in the data dir and reused on restart.

``ca.pem`` is what clients trust (the ``[network] ca_bundle`` setting); the CA's private key stays in ``ca-key.pem``
(0600). The CA is a demo CA and is built so that trusting it risks little: it is name-constrained to 127.0.0.1, ::1
and localhost (a certificate it signed for any other host, www.arcgis.com included, is rejected by every client),
and it is valid for one year; a start within 30 days of its end makes a new one. Each start issues a fresh server
certificate for those three names, signed by the CA (trustme issues it).
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tui.demo_portal.store import atomic_write, ensure_private_dir

CA_CERT, CA_KEY = "ca.pem", "ca-key.pem"
SERVER_CERT, SERVER_KEY = "server.pem", "server-key.pem"
LOOPBACK_NAMES = ("127.0.0.1", "::1", "localhost")
SERVER_CERT_DAYS = 397
CA_DAYS = 365
CA_RENEW_DAYS = 30  # a CA this close to its end (or past it) is replaced at start
CA_NAME = "allsource-tui demo CA (loopback only)"


@dataclass(frozen=True)
class TlsFiles:
    ca_path: Path
    cert_path: Path
    key_path: Path


def load_or_create_ca(data_dir: Path, now: datetime.datetime | None = None) -> trustme.CA:
    """The data dir's CA; a new one when there is none, it ends within CA_RENEW_DAYS, or it lacks name constraints
    (a CA made by an older version, valid until the year 3000 for every host)."""
    ensure_private_dir(data_dir)
    now = now or datetime.datetime.now(datetime.UTC)
    cert_path, key_path = data_dir / CA_CERT, data_dir / CA_KEY
    if cert_path.is_file() and key_path.is_file():
        cert_pem, key_pem = cert_path.read_bytes(), key_path.read_bytes()
        if _still_good(x509.load_pem_x509_certificate(cert_pem), now):
            return trustme.CA.from_pem(cert_pem, key_pem)
    cert_pem, key_pem = _new_ca(now)
    atomic_write(key_path, key_pem, 0o600)  # the key first: a cert without its key is useless
    atomic_write(cert_path, cert_pem, 0o644)
    return trustme.CA.from_pem(cert_pem, key_pem)


def _still_good(cert: x509.Certificate, now: datetime.datetime) -> bool:
    try:
        cert.extensions.get_extension_for_class(x509.NameConstraints)
    except x509.ExtensionNotFound:
        return False
    return cert.not_valid_after_utc - now > datetime.timedelta(days=CA_RENEW_DAYS)


def _new_ca(now: datetime.datetime) -> tuple[bytes, bytes]:
    """A one-year CA that may sign only for the loopback names (RFC 5280 name constraints, critical)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "allsource-tui demo portal"),
                      x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
    permitted = [x509.IPAddress(ipaddress.ip_network("127.0.0.1/32")), x509.IPAddress(ipaddress.ip_network("::1/128")),
                 x509.DNSName("localhost")]
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.NameConstraints(permitted_subtrees=permitted, excluded_subtrees=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def prepare_tls(data_dir: Path, host: str = "127.0.0.1") -> TlsFiles:
    """Load (or create) the CA and issue this run's server certificate; returns the paths uvicorn needs."""
    data_dir = Path(data_dir)
    ca = load_or_create_ca(data_dir)
    now = datetime.datetime.now(datetime.UTC)
    ca_end = x509.load_pem_x509_certificate(ca.cert_pem.bytes()).not_valid_after_utc
    leaf = ca.issue_cert(*server_identities(), common_name="allsource-tui demo portal",
                         not_before=now - datetime.timedelta(hours=1),
                         not_after=min(now + datetime.timedelta(days=SERVER_CERT_DAYS), ca_end))
    cert_path, key_path = data_dir / SERVER_CERT, data_dir / SERVER_KEY
    atomic_write(key_path, leaf.private_key_pem.bytes(), 0o600)
    atomic_write(cert_path, b"".join(blob.bytes() for blob in leaf.cert_chain_pems), 0o600)
    return TlsFiles(ca_path=data_dir / CA_CERT, cert_path=cert_path, key_path=key_path)


def server_identities() -> list[str]:
    """The loopback names only: the CA's name constraints forbid any other (the demo portal is loopback-only)."""
    return list(LOOPBACK_NAMES)
