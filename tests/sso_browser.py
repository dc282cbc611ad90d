"""Plays the user's browser in the out-of-band OAuth flow: authorize page → sign-in form → approval page → code."""

from __future__ import annotations

import html
import json
import re
import ssl

import httpx


async def approve_in_browser(authorize_url: str, ca_path, username: str, password: str) -> tuple[str, str]:
    """Return (code, state) from the approval page, as a user copying from the browser would see them."""
    async with httpx.AsyncClient(verify=ssl.create_default_context(cafile=str(ca_path)),
                                 follow_redirects=False) as browser:
        page = (await browser.get(authorize_url)).text
        info = json.loads(re.search(r"var oAuthInfo = (\{.*?\});", page).group(1))
        action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page).group(1))
        approval = (await browser.post(action, data={"oauth_state": info["oauth_state"], "username": username,
                                                     "password": password, "authorize": "true"})).text
    title = re.search(r"<title>SUCCESS code=([^<]+)</title>", approval)
    assert title, f"no approval page: {approval[:300]}"
    state = re.search(r'id="state" value="([^"]*)"', approval)
    return html.unescape(title.group(1)), html.unescape(state.group(1)) if state else ""
