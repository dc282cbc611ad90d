"""Entry point: `allsource-tui` and `python -m tui`."""

from __future__ import annotations

import sys

# Not tui.cli.main: a plain `status` is answered without importing argparse, asyncio or the service.
from tui.cli.fast_status import main as cli_main


def main() -> None:
    sys.exit(cli_main())


if __name__ == "__main__":
    main()
