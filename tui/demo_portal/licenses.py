"""Who holds which AllSource entitlements right now: the fixed user-type part plus what an administrator assigned.

A GIS Professional user type includes AllSource (accounts.py: level and extensions of the type, unchangeable here);
any other member holds it only as an add-on, assigned with provisionUserEntitlements. The store keeps the assigned
list per member under ``assignments`` once an administrator changed it; until then the account's own table applies.
The listing shows exactly one level string — the highest of the two parts — then the extensions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from tui.demo_portal.accounts import EXTENSION_ENTITLEMENTS, LEVEL_ENTITLEMENTS, DemoAccount

LEVEL_ORDER = list(LEVEL_ENTITLEMENTS.values())        # desktopBasicN < desktopStdN < desktopAdvN
KNOWN = frozenset(LEVEL_ORDER) | frozenset(EXTENSION_ENTITLEMENTS.values())


def included(account: DemoAccount) -> list[str]:
    return account.entitlements if account.user_type_includes_allsource else []


def assigned(state: Mapping, account: DemoAccount) -> list[str]:
    stored = state["assignments"].get(account.username)
    if stored is not None:
        return list(stored)
    return [] if account.user_type_includes_allsource else account.entitlements


def current(state: Mapping, account: DemoAccount) -> list[str]:
    """The member's entitlement strings on the AllSource listing: one level (the highest), then extensions."""
    return combine([*included(account), *assigned(state, account)])


def combine(strings: Iterable[str]) -> list[str]:
    found = list(dict.fromkeys(strings))
    levels = [s for s in found if s in LEVEL_ORDER]
    if not levels:
        return []
    return [max(levels, key=LEVEL_ORDER.index), *(s for s in found if s not in LEVEL_ORDER)]


def has_license(state: Mapping, account: DemoAccount) -> bool:
    return bool(current(state, account))


def holds_addon(state: Mapping, account: DemoAccount) -> bool:
    """An add-on AllSource license is listed in provisionedListings; a user-type one is not."""
    return not account.user_type_includes_allsource and bool(combine(assigned(state, account)))


def check_assignment(entitlements: list[str], account: DemoAccount) -> str | None:
    """Why this list can't be assigned to ``account`` (a sentence), or None when it can."""
    unknown = [s for s in entitlements if s not in KNOWN]
    if unknown:
        return f"Unknown entitlement '{unknown[0]}' for this listing."
    if entitlements and not account.user_type_includes_allsource and not any(s in LEVEL_ORDER for s in entitlements):
        return f"'{account.username}' needs an ArcGIS AllSource level for an extension to be of use."
    return None
