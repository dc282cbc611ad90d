"""The demo portal's own certificate authority (trustme), kept in the data dir and reused on restart.

``ca.pem`` is what clients trust (``ca_bundle`` / ``SSL_CERT_FILE``); the CA's private key stays in ``ca-key.pem``
(0600). Each start issues a fresh server certificate for 127.0.0.1, ::1 and localhost (plus the bind host).
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path

import trustme

from tui.demo_portal.store import atomic_write, ensure_private_dir

CA_CERT, CA_KEY = "ca.pem", "ca-key.pem"
SERVER_CERT, SERVER_KEY = "server.pem", "server-key.pem"
LOOPBACK_NAMES = ("127.0.0.1", "::1", "localhost")
SERVER_CERT_DAYS = 397


@dataclass(frozen=True)
class TlsFiles:
    ca_path: Path
    cert_path: Path
    key_path: Path


def load_or_create_ca(data_dir: Path) -> trustme.CA:
    ensure_private_dir(data_dir)
    cert_path, key_path = data_dir / CA_CERT, data_dir / CA_KEY
    if cert_path.is_file() and key_path.is_file():
        return trustme.CA.from_pem(cert_path.read_bytes(), key_path.read_bytes())
    ca = trustme.CA(organization_name="allsource-tui demo portal")
    atomic_write(key_path, ca.private_key_pem.bytes(), 0o600)  # the key first: a cert without its key is useless
    atomic_write(cert_path, ca.cert_pem.bytes(), 0o644)
    return ca


def prepare_tls(data_dir: Path, host: str = "127.0.0.1") -> TlsFiles:
    """Load (or create) the CA and issue this run's server certificate; returns the paths uvicorn needs."""
    data_dir = Path(data_dir)
    ca = load_or_create_ca(data_dir)
    now = datetime.datetime.now(datetime.UTC)
    leaf = ca.issue_cert(*server_identities(host), common_name="allsource-tui demo portal",
                         not_before=now - datetime.timedelta(days=1),
                         not_after=now + datetime.timedelta(days=SERVER_CERT_DAYS))
    cert_path, key_path = data_dir / SERVER_CERT, data_dir / SERVER_KEY
    atomic_write(key_path, leaf.private_key_pem.bytes(), 0o600)
    atomic_write(cert_path, b"".join(blob.bytes() for blob in leaf.cert_chain_pems), 0o600)
    return TlsFiles(ca_path=data_dir / CA_CERT, cert_path=cert_path, key_path=key_path)


def server_identities(host: str) -> list[str]:
    names = list(LOOPBACK_NAMES)
    if host and host not in names and not _is_unspecified(host):
        names.append(host)
    return names


def _is_unspecified(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False
