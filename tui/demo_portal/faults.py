"""Fault injection for tests and demos (README "The demo portal"): latency, HTTP errors, connection resets, hangs and
498s per path.

Rules are matched against the request path, first match wins. A glob starting with ``/`` must match the whole path
(``/portal/sharing/rest/generateToken``); any other glob matches the tail of the path after a ``/``, so
``generateToken`` hits both organisations and ``content/listings/*/allsourceTui*`` hits the offline operations.

CLI form (``allsource-tui demo-portal --fault SPEC``): ``<glob>:<option>,<option>…`` with options ``latency=<s>``,
``status=<code>``, ``times=<n>``, ``date_skew=<s>`` (the Date header runs that many seconds ahead, or behind when
negative: a portal whose clock is wrong, for `allsource-tui doctor`), and the flags ``reset``, ``hang``,
``error_498`` (or ``498``); several rules may be joined with ``;``.
Example: ``generateToken:latency=0.2,times=3;portals/self:status=503``.
"""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import asdict, dataclass, replace

FLAGS = {"reset": "reset", "hang": "hang", "error_498": "error_498", "498": "error_498"}


@dataclass(frozen=True)
class FaultRule:
    path_glob: str
    latency: float = 0.0
    status: int | None = None
    reset: bool = False
    hang: bool = False
    error_498: bool = False
    times: int | None = None  # None: every matching request; n: the next n matching requests
    date_skew: float = 0.0  # seconds added to the answer's Date header; the answer itself is unchanged

    def matches(self, path: str) -> bool:
        if self.path_glob.startswith("/"):
            return fnmatch.fnmatchcase(path, self.path_glob)
        return fnmatch.fnmatchcase(path, "*/" + self.path_glob) or fnmatch.fnmatchcase(path, self.path_glob)

    @property
    def ends_request(self) -> bool:
        return self.reset or self.hang or self.error_498 or self.status is not None

    def to_json(self) -> dict:
        return asdict(self)


class FaultInjector:
    """Thread-safe set of fault rules, applied by the demo portal's middleware before routing."""

    hang_seconds: float = 600.0  # longer than any client timeout; a hung request also ends when the client leaves

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def set(self, path_glob: str, *, latency: float = 0, status: int | None = None, reset: bool = False,
            hang: bool = False, error_498: bool = False, times: int | None = None,
            date_skew: float = 0.0) -> FaultRule:
        """Add (or replace, for the same glob) a rule."""
        rule = FaultRule(path_glob, float(latency), status, reset, hang, error_498, times, float(date_skew))
        _validate(rule)
        with self._lock:
            self._rules = [kept for kept in self._rules if kept.path_glob != path_glob] + [rule]
        return rule

    def clear(self, path_glob: str | None = None) -> None:
        """Remove every rule, or only the rule for ``path_glob``."""
        with self._lock:
            self._rules = [] if path_glob is None else [r for r in self._rules if r.path_glob != path_glob]

    @property
    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def take(self, path: str) -> FaultRule | None:
        """The rule for this request, counting one use of a rule limited by ``times``."""
        with self._lock:
            for index, rule in enumerate(self._rules):
                if not rule.matches(path):
                    continue
                if rule.times is not None:
                    left = rule.times - 1
                    if left <= 0:
                        del self._rules[index]
                    else:
                        self._rules[index] = replace(rule, times=left)
                return rule
        return None

    @staticmethod
    def parse(spec: str) -> list[FaultRule]:
        """Rules from the CLI form; raises ValueError with a sentence on a bad spec."""
        rules = []
        for part in filter(None, (chunk.strip() for chunk in spec.split(";"))):
            glob, sep, options = part.partition(":")
            if not glob.strip() or not sep:
                raise ValueError(f"fault '{part}' needs the form <path-glob>:<option>[,<option>…]")
            rule = FaultRule(glob.strip(), **_parse_options(options))
            _validate(rule)
            rules.append(rule)
        if not rules:
            raise ValueError("empty fault specification")
        return rules

    def add_spec(self, spec: str) -> list[FaultRule]:
        """Parse the CLI form and add its rules."""
        rules = self.parse(spec)
        for rule in rules:
            self.set(rule.path_glob, latency=rule.latency, status=rule.status, reset=rule.reset, hang=rule.hang,
                     error_498=rule.error_498, times=rule.times, date_skew=rule.date_skew)
        return rules

    def apply_json(self, payload: object) -> None:
        """The control endpoint's body: ``{"clear": true}``, ``{"spec": "…"}``, a rule object, or a list of those."""
        for item in payload if isinstance(payload, list) else [payload]:
            if not isinstance(item, dict):
                raise ValueError("each fault must be a JSON object")
            if item.get("clear"):
                self.clear(item.get("path_glob"))
            elif "spec" in item:
                self.add_spec(str(item["spec"]))
            else:
                names = ("latency", "status", "reset", "hang", "error_498", "times", "date_skew")
                options = {name: item[name] for name in names if name in item}
                self.set(str(item.get("path_glob") or item.get("path") or ""), **options)


def _parse_options(options: str) -> dict:
    parsed: dict = {}
    for option in filter(None, (o.strip() for o in options.split(","))):
        name, has_value, value = option.partition("=")
        try:
            if name in FLAGS and not has_value:
                parsed[FLAGS[name]] = True
            elif name in ("latency", "date_skew"):
                parsed[name] = float(value)
            elif name in ("status", "times"):
                parsed[name] = int(value)
            else:
                raise ValueError
        except ValueError:
            raise ValueError(f"unknown fault option '{option}' (use latency=, status=, times=, date_skew=, reset, "
                             "hang, error_498)") from None
    return parsed


def _validate(rule: FaultRule) -> None:
    if not rule.path_glob:
        raise ValueError("a fault needs a path glob")
    if rule.latency < 0 or (rule.times is not None and rule.times < 1):
        raise ValueError("latency must be ≥ 0 and times ≥ 1")
    if rule.status is not None and not 100 <= rule.status <= 599:
        raise ValueError("status must be an HTTP status code")
