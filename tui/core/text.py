"""One sanitizer for text that comes from outside: portal answers, state and config files, URLs.

A portal (or another member of the organization choosing a name or alias) controls strings that end up on the
user's terminal. Raw, ``ESC ] 0 ; … BEL`` retitles the window, ``ESC ] 52 ; c ; …`` writes the clipboard,
``ESC [ 2 J`` clears the screen, a carriage return overwrites what was printed, and a bidi override reorders the
line the user reads. ``clean`` is applied where such text is parsed, so everything above the parsers (the service,
the CLI, the screens) only ever holds text that is safe to print. Nothing is dropped: each control is shown
visibly escaped (``ESC`` as ``␛``, C1 and bidi controls as ``\\x9b`` / ``\\u202e``), so the user still sees that
something odd was sent.
"""

from __future__ import annotations

import re
from typing import Any

# Bidi embeddings/overrides/isolates and marks: they reorder what the user reads without being visible.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Line breaks of every kind; a single-line field collapses any run of them (and of spaces) into one space.
LINE_BREAKS = frozenset("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# One scan in C for the common case (nothing to clean); must match ``is_unsafe`` exactly.
_ANY_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029]")


def is_unsafe(char: str) -> bool:
    """True for a character that must never reach a terminal raw: C0, DEL, C1, bidi controls, line separators."""
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F or char in BIDI_CONTROLS or char in "\u2028\u2029"


def visible(char: str) -> str:
    """The printable stand-in for one unsafe character."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␛ for ESC, ␇ for BEL, ␍ for CR…
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def clean(text: str, *, multiline: bool = False) -> str:
    """``text`` with every unsafe character shown visibly escaped; a single-line value also has its line breaks
    collapsed into one space. Idempotent: cleaning clean text changes nothing."""
    if not isinstance(text, str):
        text = str(text)
    if not _ANY_UNSAFE.search(text):
        return text
    out: list[str] = []
    for char in text:
        if multiline and char == "\n":
            out.append(char)
        elif char in LINE_BREAKS:
            if not out or out[-1] != " ":
                out.append(" ")
        elif is_unsafe(char):
            out.append(visible(char))
        else:
            out.append(char)
    return "".join(out)


def clean_tree(value: Any) -> Any:
    """A decoded JSON or TOML value with every string in it (keys included) cleaned as single-line text."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(key) if isinstance(key, str) else key: clean_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_tree(item) for item in value]
    return value


def has_unsafe(text: str) -> bool:
    """True when ``text`` still holds a character ``clean`` would have escaped (used by tests and assertions)."""
    return _ANY_UNSAFE.search(text) is not None
