"""The crash screen's text: the traceback without locals, redacted (docs/reliability.md, "Leak prevention")."""

from __future__ import annotations

import traceback

from rich.text import Text

from tui.core.redact import redact

ADVICE = "allsource-tui stopped on an unexpected error; run it with --debug and report the text above.\n"


def crash_text(error: BaseException | None) -> Text:
    lines = traceback.format_exception(error) if error is not None else ["Unknown error\n"]
    return Text(redact("".join(lines)) + ADVICE)
