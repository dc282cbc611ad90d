"""`allsource-tui sign-in --sso`: show the sign-in link on stderr, read the pasted code from stdin."""

from __future__ import annotations

import sys

from tui.cli.output import print_lines, status_lines
from tui.core.errors import UsageError


async def sign_in_with_sso(service, args) -> int:
    if args.portal:
        await service.choose_sign_in_portal(args.portal)
    request = service.begin_sso()
    sys.stderr.write("Open this link in a browser on any device, sign in with your organization, then paste the "
                     "code it shows here:\n\n" + request.authorize_url + "\n\nCode: ")
    sys.stderr.flush()
    pasted = sys.stdin.readline()
    if not pasted.strip():
        raise UsageError("No code arrived; run `allsource-tui sign-in --sso` again and paste the code shown after "
                         "signing in.")
    await service.complete_sso(request, pasted, auto=not args.no_auto)
    print_lines(status_lines(service.status()))
    return 0
