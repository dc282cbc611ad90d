"""The project-defined offline operations (README "Project-defined operations") — the only module that knows them.

ArcGIS publishes no check-out/check-in endpoint (docs/portal-protocol.md, "Project-defined offline operations"), so
allsource-tui defines three POST operations under [root]/content/listings/<itemId>/. A portal that doesn't implement
them (404/405, a non-JSON answer, an error without one of our ASTUI_* message codes, an answer without our fields)
raises OfflineNotOffered; our codes raise PortalRefused with ``message_code`` and ``details``. Token and network errors
pass through unchanged, so the service can refresh and replay, or keep its check-out intent when the portal was
unreachable. None of these calls is retried after the request may have been sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.errors import (
    AuthError,
    OfflineNotOffered,
    PortalError,
    PortalRefused,
    PortalUnreachable,
    UnexpectedResponse,
)
from tui.core.secret import Secret
from tui.portal.base import PortalCalls, segment
from tui.portal.models import Malformed, number, strings, text

CHECK_OUT = "allsourceTuiCheckOut"
CHECK_IN = "allsourceTuiCheckIn"
CHECK_OUT_STATUS = "allsourceTuiCheckOutStatus"
NOT_OFFERED_MESSAGE = "This portal does not offer offline authorization to allsource-tui."


@dataclass(frozen=True)
class CheckOut:
    """The README's ``checkOut`` object; times are epoch seconds, ``expires_at`` None when the license has no end."""

    intent_id: str
    username: str
    machine_id: str
    os_user: str
    workstation_alias: str
    entitlements: tuple[str, ...]
    expires_at: float | None
    device_credential: Secret
    checked_out_at: float

    @classmethod
    def parse(cls, data: dict) -> CheckOut:
        expires = number(data, "expires", -1)
        return cls(intent_id=text(data, "intentId", required=True), username=text(data, "username"),
                   machine_id=text(data, "machineId", required=True), os_user=text(data, "osUser"),
                   workstation_alias=text(data, "workstationAlias"), entitlements=strings(data.get("entitlements")),
                   expires_at=None if expires < 0 else expires / 1000.0,
                   device_credential=Secret(text(data, "deviceCredential", required=True)),
                   checked_out_at=number(data, "checkedOutAt", 0) / 1000.0)


class OfflineOperations(PortalCalls):
    async def check_out(self, item_id: str, token: Secret, *, machine_id: str, os_user: str, alias: str,
                        intent_id: str) -> CheckOut:
        """Take the license on listing ``item_id`` offline to this computer; repeating an intent returns the same."""
        body = await self._offline_call(CHECK_OUT, item_id, token, {
            "machineId": machine_id, "osUser": os_user, "workstationAlias": alias, "intentId": intent_id})
        checkout = body.get("checkOut")
        if not isinstance(checkout, dict):
            raise self._not_offered()
        return self._parse_checkout(checkout)

    async def check_in(self, item_id: str, token: Secret, *, machine_id: str, os_user: str,
                       device_credential: Secret) -> None:
        """Return the offline license; needs the credential the check-out handed out."""
        body = await self._offline_call(CHECK_IN, item_id, token, {
            "machineId": machine_id, "osUser": os_user, "deviceCredential": device_credential.reveal()})
        if body.get("success") is not True:
            raise self._not_offered()

    async def check_out_status(self, item_id: str, token: Secret, *, machine_id: str,
                               intent_id: str) -> CheckOut | None:
        """The check-out made by ``intent_id`` if it holds the license, else None (crash recovery, LIC-2)."""
        body = await self._offline_call(CHECK_OUT_STATUS, item_id, token,
                                        {"machineId": machine_id, "intentId": intent_id})
        if "checkOut" not in body:
            raise self._not_offered()
        checkout = body["checkOut"]
        if checkout is None:
            return None
        if not isinstance(checkout, dict):
            raise self._not_offered()
        return self._parse_checkout(checkout)

    # --- one place that decides "not offered" ------------------------------------------------------------------------
    async def _offline_call(self, operation: str, item_id: str, token: Secret, fields: dict[str, str]) -> dict:
        path = f"content/listings/{segment(item_id)}/{operation}"
        try:
            return await self.post(path, token=token, data=fields, idempotent=False)
        except (AuthError, PortalRefused, PortalUnreachable):
            raise
        except UnexpectedResponse as error:
            if (error.code or 0) >= 500:
                raise  # the portal is in trouble; that says nothing about whether it offers the operation
            raise self._not_offered(error) from None
        except PortalError as error:  # 404 NotFound, 405, Forbidden or any other non-ASTUI envelope
            raise self._not_offered(error) from None

    def _not_offered(self, cause: PortalError | None = None) -> OfflineNotOffered:
        if cause is None:
            return OfflineNotOffered(NOT_OFFERED_MESSAGE)
        refusal = OfflineNotOffered(NOT_OFFERED_MESSAGE, code=cause.code, message_code=cause.message_code,
                                    details=cause.details)
        # An HTML page or a broken body is no answer: whatever the request did at the portal is unknown (issue 16)
        refusal.unreadable = isinstance(cause, UnexpectedResponse)
        return refusal

    def _parse_checkout(self, data: dict) -> CheckOut:
        try:
            return CheckOut.parse(data)
        except Malformed as missing:
            raise UnexpectedResponse(f"{self.host}'s offline check-out answer lacks '{missing.args[0]}'; ask your "
                                     "administrator whether the portal's allsource-tui support is up to date."
                                     ) from None


__all__ = ["CHECK_IN", "CHECK_OUT", "CHECK_OUT_STATUS", "CheckOut", "OfflineOperations"]
