"""Where in config.toml: the line that a config error or warning names (tui/core/config.py).

Only a file that is wrong or has unknown keys needs these: config.py imports this module when it first does, and the
patterns compile on first use (``re`` caches them), so neither costs every start and every `status`.
"""

from __future__ import annotations

import re
from pathlib import Path

from tui.core.errors import ConfigError

_HEADER = r"\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?"


def syntax_error(path: Path, message: str, text: str) -> ConfigError:
    found = re.search(r"\(at line (\d+), column \d+\)", message)
    reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message).strip() or "syntax error"
    reason = reason[0].lower() + reason[1:]
    if found:
        line = int(found.group(1))
    else:  # "at end of document": the file stops inside something left open, so name its last written line
        line = _last_written_line(text)
        reason += ": the file ends before it is complete"
    return ConfigError(f"{path} line {line}: this is not valid TOML ({reason}); fix line {line} or move the file "
                       "aside to use the defaults.", path=str(path), line=line)


def _last_written_line(text: str) -> int:
    lines = text.splitlines()
    written = [number for number, content in enumerate(lines, 1) if content.strip()]
    return written[-1] if written else max(1, len(lines))


def locate(lines: list[str], section: str | None, key: str) -> int | None:
    """The 1-based line defining ``key`` in ``[section]`` (or the section header / top-level key), if found."""
    if section is None:
        header = re.compile(r"\s*\[\s*" + re.escape(key) + r"\s*\]")
        top_key = re.compile(r"\s*[\"']?" + re.escape(key) + r"[\"']?\s*[=.]")
        return next((n for n, line in enumerate(lines, 1) if header.match(line) or top_key.match(line)), None)
    key_line = re.compile(r"\s*[\"']?" + re.escape(key) + r"[\"']?\s*=")
    dotted = re.compile(r"\s*" + re.escape(section) + r"\s*\.\s*[\"']?" + re.escape(key) + r"[\"']?\s*=")
    current = None
    for number, line in enumerate(lines, 1):
        section_header = re.fullmatch(_HEADER, line)
        if section_header:
            current = section_header.group(1).strip("\"' ")
        elif (current == section and key_line.match(line)) or (current is None and dotted.match(line)):
            return number
    return None

