"""A small in-process client of the demo portal for tests: httpx over ASGITransport, acting as one computer.

Each ``DemoClient`` sends the ``Referer`` of its computer on every request, asks generateToken with
``client=referer`` and passes tokens in the ``X-Esri-Authorization`` header — what allsource-tui does (README).
"""

from __future__ import annotations

import secrets
from typing import Any

import httpx

from tui.demo_portal.accounts import DEMO_PASSWORD, ENTERPRISE, ONLINE
from tui.demo_portal.offline_ops import CHECK_IN, CHECK_OUT, CHECK_OUT_STATUS

BASE_URL = "https://127.0.0.1:8443"


class DemoClient:
    def __init__(self, app: Any, machine: str = "machine-a", *, enterprise: bool = False,
                 base_url: str = BASE_URL) -> None:
        self.machine = machine
        self.computer = f"allsource-tui:{machine}"
        self.org = ENTERPRISE if enterprise else ONLINE
        self.root = f"{self.org.prefix}/sharing/rest"
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url,
                                      headers={"Referer": self.computer})

    async def __aenter__(self) -> DemoClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()

    @property
    def listing(self) -> str:
        return f"{self.root}/content/listings/{self.org.allsource_listing_id}"

    async def get(self, path: str, token: str | None = None, **params: Any) -> dict:
        response = await self.http.get(self._url(path), params={"f": "json", **params}, headers=_auth(token))
        return response.json()

    async def post(self, path: str, token: str | None = None, **form: Any) -> dict:
        response = await self.http.post(self._url(path), data={"f": "json", **form}, headers=_auth(token))
        return response.json()

    def _url(self, path: str) -> str:
        return path if path.startswith("/") else f"{self.root}/{path}"

    async def sign_in(self, username: str, password: str = DEMO_PASSWORD, **extra: Any) -> dict:
        return await self.post("generateToken", username=username, password=password, client="referer",
                               referer=self.computer, **extra)

    async def token(self, username: str) -> str:
        """Sign in and return the token (fails the test with the portal's answer when refused)."""
        answer = await self.sign_in(username)
        assert "token" in answer, answer
        return answer["token"]

    async def sign_out(self, token: str) -> dict:
        return await self.post("oauth2/revokeToken", auth_token=token)

    async def check_out(self, token: str, *, os_user: str = "tester", alias: str | None = None,
                        intent_id: str | None = None, machine_id: str | None = None) -> dict:
        return await self.post(f"{self.listing}/{CHECK_OUT}", token, machineId=machine_id or self.machine,
                               osUser=os_user, workstationAlias=alias or f"alias-{self.machine}",
                               intentId=intent_id or secrets.token_hex(16))

    async def check_in(self, token: str, credential: str | None, *, os_user: str = "tester",
                       machine_id: str | None = None) -> dict:
        form = {"machineId": machine_id or self.machine, "osUser": os_user}
        if credential is not None:
            form["deviceCredential"] = credential
        return await self.post(f"{self.listing}/{CHECK_IN}", token, **form)

    async def check_out_status(self, token: str, intent_id: str, *, machine_id: str | None = None) -> dict:
        return await self.post(f"{self.listing}/{CHECK_OUT_STATUS}", token, machineId=machine_id or self.machine,
                               intentId=intent_id)


def _auth(token: str | None) -> dict[str, str]:
    return {"X-Esri-Authorization": f"Bearer {token}"} if token else {}


def message_code(answer: dict) -> str | None:
    """The ``messageCode`` of an ArcGIS error envelope (None when the answer is not an error)."""
    error = answer.get("error")
    return error.get("messageCode") if isinstance(error, dict) else None
