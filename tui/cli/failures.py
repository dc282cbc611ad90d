"""How a CLI run ends on an error: one redacted sentence on stderr and its exit code.

Shared by the full command line (tui/cli/main.py) and the fast `status` path (tui/cli/fast_status.py), so both end
the same way. The redaction layer (and with it `logging`) is imported only when there is something to report.
"""

from __future__ import annotations

import sys

from tui.core.errors import EXIT_UNEXPECTED, AllSourceError

EXIT_INTERRUPTED = 130


def report_failure(error: BaseException) -> int:
    """Write the sentence for ``error`` (an AllSourceError, a KeyboardInterrupt or any other Exception)."""
    from tui.core.redact import redact  # keeps logging out of a successful `status`
    from tui.core.text import clean

    if isinstance(error, AllSourceError):
        sys.stderr.write(clean(redact(error.user_message)) + "\n")
        return error.exit_code
    if isinstance(error, KeyboardInterrupt):
        sys.stderr.write("Interrupted; nothing more was changed.\n")
        return EXIT_INTERRUPTED
    # the last net: one redacted sentence, never a traceback with locals
    sys.stderr.write(clean(redact(f"Unexpected error ({type(error).__name__}: {error}); run again with --debug "
                                  "and report it.")) + "\n")
    return EXIT_UNEXPECTED
