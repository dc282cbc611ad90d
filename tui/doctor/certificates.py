"""Why a portal's TLS certificate was refused, in words, and the exact setting that fixes it.

OpenSSL's verify code tells the kind of failure; the certificate itself (fetched once more without verification, only
to read its names and dates — nothing is sent over that connection) tells which CA, which names, which date.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from datetime import UTC, datetime

from cryptography import x509
from cryptography.x509.oid import NameOID

from tui.core.settings import NetworkSettings

# OpenSSL X509_V_ERR_* codes
UNTRUSTED_ISSUER = frozenset({2, 18, 19, 20, 21})
NOT_YET_VALID, EXPIRED = 9, 10
NAME_MISMATCH = frozenset({62, 64})


def verification_error(error: BaseException) -> ssl.SSLCertVerificationError | None:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return current
        current = current.__cause__ or current.__context__
    return None


async def peer_certificate(host: str, port: int, timeout: float) -> x509.Certificate | None:
    """The certificate the server presents, read without verifying it (None when that fails too)."""
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port, ssl=context), timeout)
    except (TimeoutError, OSError, ssl.SSLError):
        return None
    try:
        der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
        return x509.load_der_x509_certificate(der) if der else None
    finally:
        writer.close()
        with contextlib.suppress(OSError, ssl.SSLError):
            await writer.wait_closed()


def _common_name(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else name.rfc4514_string()


def _names(cert: x509.Certificate) -> list[str]:
    with contextlib.suppress(x509.ExtensionNotFound):
        alt = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        return [str(n) for n in alt.get_values_for_type(x509.DNSName)] + \
            [str(n) for n in alt.get_values_for_type(x509.IPAddress)]
    return [_common_name(cert.subject)]


def _day(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def explain_tls_failure(error: BaseException, host: str, cert: x509.Certificate | None,
                        network: NetworkSettings, now: float) -> tuple[str, str]:
    """(detail, fix) for a certificate that failed verification."""
    failure = verification_error(error)
    code = failure.verify_code if failure is not None else None
    said = str(failure.verify_message).rstrip(".") if failure is not None and failure.verify_message else \
        "certificate verify failed"
    if code in NAME_MISMATCH:
        names = _names(cert) if cert is not None else []
        listed = ", ".join(names[:4]) or "other names"
        return (f"the certificate is for {listed}, not {host} ({said})",
                f"Use a host name the certificate names in the portal URL (`allsource-tui portal set <kind> "
                f"https://{names[0] if names else '<that host>'}/…`); no setting makes a certificate fit another "
                "name.")
    if code in (EXPIRED, NOT_YET_VALID):
        clock_now = _day(datetime.fromtimestamp(now, tz=UTC))
        if code == EXPIRED:
            when = _day(cert.not_valid_after_utc) if cert is not None else "an earlier date"
            return (f"the certificate of {host} expired on {when} (this computer's clock says {clock_now})",
                    "The portal's administrator must renew the certificate; if this computer's clock is wrong, "
                    "set it right.")
        when = _day(cert.not_valid_before_utc) if cert is not None else "a later date"
        return (f"the certificate of {host} is valid only from {when} (this computer's clock says {clock_now})",
                "Set this computer's clock right (turn on automatic time).")
    issuer = f"'{_common_name(cert.issuer)}'" if cert is not None else "a certificate authority"
    return (f"the certificate of {host} was issued by {issuer}, which this computer does not trust ({said})",
            _untrusted_fix(network))


def _untrusted_fix(network: NetworkSettings) -> str:
    bundle = ('save your organization\'s CA certificate as a PEM file and set `[network] ca_bundle = '
              '"/path/to/ca.pem"` in config.toml (or export SSL_CERT_FILE)')
    if network.trust == "certifi":
        return f'If IT installed the CA on this computer, set `[network] trust = "both"`; otherwise {bundle}.'
    if network.ca_bundle is not None:
        return f"The CA in {network.ca_bundle} did not sign it: {bundle} with the CA that did."
    return bundle[0].upper() + bundle[1:] + "."
