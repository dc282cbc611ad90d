"""Hostile text for the property tests: generated strings full of terminal controls, and a portal that sends them.

``HostilePortal`` serves the demo portal in-process (like tests/conftest.py's InProcessPortal) but writes the hostile
string into every field a user ever sees (names, user type, workstation alias), and, in the "error" and "refusal"
modes, answers with an ArcGIS error envelope whose message and details carry it.
"""

from __future__ import annotations

import json

import httpx
from hypothesis import strategies as st

from tui.core.text import is_unsafe

# The attacks of issue 11, whole: window title, clipboard write (OSC 52), clear screen, CR overwrite, newline,
# C1 CSI, bidi overrides and isolates, alternate screen, bell, NUL, DEL.
PAYLOADS = ("\x1b]0;owned\x07", "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07", "\x1b[2J", "\r", "\n", "\r\n",
            "\x9b31m", "\u202e", "\u202d", "\u2066", "\u2069", "\u200f", "\u061c", "\x1b[?1049h", "\x07", "\x00",
            "\x7f", "\x1b\\", "\x85", "\u2028", "\t", "\x08")

hostile_strings = st.lists(
    st.one_of(st.sampled_from(PAYLOADS), st.text(max_size=6),
              st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x9f), max_size=4)),
    min_size=1, max_size=6,
).map(lambda parts: "x" + "".join(parts)).filter(lambda text: any(is_unsafe(ch) for ch in text))

# Portal fields a user sees, and what each becomes on screen.
INJECTED_KEYS = ("fullName", "firstName", "lastName", "name", "workstationAlias")


def unsafe_in(output: str) -> list[str]:
    """The control characters (as reprs) found in program ``output``; [] when it is safe to print. The newlines
    between the program's own lines are fine (tests compare line counts to catch an injected one)."""
    return sorted({repr(char) for char in set(output) if is_unsafe(char) and char != "\n"})  # an SVG: 100k+ chars


def strings_in(value: object) -> list[str]:
    """Every string (keys included) in a decoded JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [*value.keys(), *(s for item in value.values() for s in strings_in(item))]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


def _inject(value: object, hostile: str) -> object:
    if isinstance(value, dict):
        return {key: (hostile if key in INJECTED_KEYS and isinstance(item, str) else _inject(item, hostile))
                for key, item in value.items()}
    if isinstance(value, list):
        return [_inject(item, hostile) for item in value]
    return value


class HostilePortal(httpx.AsyncBaseTransport):
    """The demo portal's ASGI app in-process, with ``hostile`` written into every displayed field."""

    def __init__(self, demo_app, hostile: str) -> None:
        self._asgi = httpx.ASGITransport(app=demo_app)
        self.hostile = hostile
        self.mode = ""  # "", "error" (every call fails with the hostile message) or "refusal" (an ASTUI_* refusal)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.mode == "error":
            return httpx.Response(200, request=request, json={"error": {
                "code": 400, "message": f"Refused {self.hostile}", "details": [self.hostile, self.hostile]}})
        if self.mode == "refusal":
            return httpx.Response(200, request=request, json={"error": {
                "code": 403, "messageCode": "ASTUI_OFFLINE_HELD", "message": self.hostile,
                "details": [self.hostile, "another-machine"]}})
        response = await self._asgi.handle_async_request(request)
        raw = await response.aread()
        try:
            body = json.loads(raw)
        except ValueError:
            return httpx.Response(response.status_code, headers=response.headers, content=raw, request=request)
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return httpx.Response(response.status_code, headers=headers, request=request,
                              content=json.dumps(_inject(body, self.hostile)).encode())

    async def aclose(self) -> None:
        await self._asgi.aclose()
