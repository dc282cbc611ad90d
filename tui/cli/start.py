"""`allsource-tui` with no subcommand: the TUI, any failure before its screen opens reported in one sentence.

A bare `allsource-tui` comes here straight from tui/cli/fast_status.py, without argparse and the command table of
tui/cli/main.py: its first frame needn't wait for them. The defaults are what argparse makes of an empty command line
(a test keeps the two equal).
"""

from __future__ import annotations

from tui.cli.failures import report_failure
from tui.core import collector


def start_tui(*, config: str | None = None, state_dir: str | None = None, demo: bool = False,
              debug: bool = False) -> int:
    collector.pause_for_start()  # until the first frame (LicenseApp.on_mount): tui/core/collector.py
    try:
        from tui.ui.launcher import run_tui  # the only path that imports Textual

        return run_tui(config=config, state_dir=state_dir, demo=demo, debug=debug)
    except (KeyboardInterrupt, Exception) as error:  # one redacted sentence, never a traceback
        return report_failure(error)
    finally:
        collector.end_pause()  # a start that ended before its first frame
