"""HTML of the OAuth sign-in flow, shaped like ArcGIS's (docs/portal-protocol.md, "OAuth with PKCE and the out-of-band
code" and "What Esri's Python client sends").

The sign-in page carries ``var oAuthInfo = {…}`` with ``oauth_state``; the out-of-band approval page's ``<title>``
is ``SUCCESS code=<code>``.
"""

from __future__ import annotations

import html
import json


def sign_in_page(*, org_name: str, signin_url: str, oauth_state: str, client_id: str,
                 messages: list[str] | None = None) -> str:
    info = {"oauth_state": oauth_state, "client_id": client_id, "appTitle": client_id, "orgName": org_name,
            "locale": "en", "messages": list(messages or [])}
    script_json = json.dumps(info).replace("</", "<\\/")
    errors = "".join(f'<p class="error" role="alert">{html.escape(message)}</p>' for message in messages or [])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign In</title>
<script>var oAuthInfo = {script_json};</script></head>
<body><h1>Sign in to {html.escape(org_name)}</h1>{errors}
<form method="post" action="{html.escape(signin_url)}">
<input type="hidden" name="oauth_state" value="{html.escape(oauth_state)}">
<input type="hidden" name="authorize" value="true">
<label>Username <input name="username" autocomplete="username"></label>
<label>Password <input type="password" name="password" autocomplete="current-password"></label>
<button type="submit">Sign In</button></form></body></html>"""


def approval_page(code: str, state: str) -> str:
    """Out-of-band result: the app's user copies the code from this page into the app."""
    state_line = f'<input type="hidden" id="state" value="{html.escape(state)}">' if state else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>SUCCESS code={html.escape(code)}</title></head>
<body><p>Copy this code and paste it into the application:</p>
<input id="code" readonly value="{html.escape(code)}">{state_line}</body></html>"""


def error_page(message: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Error</title></head>
<body><p class="error" role="alert">{html.escape(message)}</p></body></html>"""
