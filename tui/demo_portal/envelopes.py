"""ArcGIS answers: the error envelope (HTTP 200 with ``{"error": …}``, docs/portal-protocol.md, "Errors") and JSON
responses.

Bodies copy the ArcGIS fixtures (tests/fixtures/arcgis/error-*.json, generateToken-invalid-credentials.json).
ArcGIS Online labels JSON ``text/plain;charset=utf-8`` (clients must parse by body); the Enterprise-style org answers
``application/json``, so a client is exercised with both.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from starlette.responses import Response


class ApiError(Exception):
    """Raised by a handler to answer with an ArcGIS error envelope (HTTP 200 unless ``http_status``)."""

    def __init__(self, code: int, message: str, details: Sequence[str] = (), *, message_code: str | None = None,
                 extra: dict | None = None, http_status: int = 200) -> None:
        super().__init__(message)
        self.code, self.message, self.details = code, message, list(details)
        self.message_code, self.extra, self.http_status = message_code, dict(extra or {}), http_status

    def body(self) -> dict:
        error: dict = {"code": self.code}
        if self.message_code:
            error["messageCode"] = self.message_code
        error.update(message=self.message, details=self.details, **self.extra)
        return {"error": error}


def token_required() -> ApiError:
    return ApiError(499, "Token Required", ["Token Required"], message_code="GWM_0003")


def invalid_token() -> ApiError:
    return ApiError(498, "Invalid token.")


def no_permission() -> ApiError:
    return ApiError(403, "You do not have permissions to access this resource or perform this operation.",
                    message_code="GWM_0003")


def method_not_supported() -> ApiError:
    return ApiError(405, "Method not supported.", message_code="GWM_0005")


def invalid_request(*details: str) -> ApiError:
    return ApiError(400, "Invalid request", details, message_code="GWM_0007")


def invalid_url() -> ApiError:
    """Unknown path under sharing/rest: ArcGIS answers HTTP 200 with code 400 "Invalid URL"."""
    return ApiError(400, "Invalid URL", ["Invalid URL"])


def invalid_credentials() -> ApiError:
    return ApiError(400, "Unable to generate token.", ["Invalid username or password."])


def unable_to_generate(detail: str) -> ApiError:
    return ApiError(400, "Unable to generate token.", [detail])


def item_not_found() -> ApiError:
    return ApiError(400, "Item does not exist or is inaccessible.", message_code="CONT_0001")


def user_not_found(username: str) -> ApiError:
    return ApiError(400, f"User '{username}' does not exist or is inaccessible.")


def oauth_error(code: int, error: str, description: str) -> ApiError:
    """oauth2/token errors carry OAuth keys inside the ArcGIS envelope (oauth2-token-error-*.json)."""
    return ApiError(code, description, extra={"error": error, "error_description": description})


# --- project-defined message codes (README: "Project-defined operations") -------------------------------------------
ASTUI_CODES = {
    "ASTUI_COMPUTER_LIMIT": (403, "You are signed in on the maximum number of computers (3). Sign out on one first."),
    "ASTUI_OFFLINE_HELD": (403, "The license is authorized to work offline on another computer."),
    "ASTUI_OFFLINE_DISABLED": (403, "The organization administrator prevents taking licenses offline."),
    "ASTUI_NO_LICENSE": (403, "You have no ArcGIS AllSource license."),
    "ASTUI_WRONG_COMPUTER": (403, "The license was taken offline on another computer; check it in there."),
    "ASTUI_WRONG_OS_USER": (403, "The license was taken offline by another user account of this computer."),
    "ASTUI_BAD_CREDENTIAL": (403, "The device credential is wrong or missing."),
    "ASTUI_NOT_OFFLINE": (400, "The license is not authorized to work offline."),
}


def astui(message_code: str, details: Sequence[str] = ()) -> ApiError:
    code, message = ASTUI_CODES[message_code]
    return ApiError(code, message, [str(detail) for detail in details], message_code=message_code)


# --- responses -------------------------------------------------------------------------------------------------------
def json_response(body: dict, *, online: bool, status_code: int = 200) -> Response:
    media = "text/plain;charset=utf-8" if online else "application/json;charset=utf-8"
    return Response(json.dumps(body), status_code=status_code, headers={"content-type": media,
                                                                         "vary": "X-Esri-Authorization",
                                                                         "cache-control": "no-store"})


def html_response(html: str, status_code: int = 200) -> Response:
    return Response(html, status_code=status_code, media_type="text/html",
                    headers={"cache-control": "no-store", "x-frame-options": "DENY"})


def html_format_page() -> Response:
    """What ArcGIS does without ``f=json``: an HTML page (the default format), never JSON."""
    return html_response("<!DOCTYPE html><html><head><title>ArcGIS REST (demo)</title></head><body>"
                         "<p>This demo portal answers the ArcGIS REST API in JSON only: add <code>f=json</code>.</p>"
                         "</body></html>")
