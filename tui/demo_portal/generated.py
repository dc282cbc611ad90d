"""The generated members of the Online demo org: enough people for paging to be real (README "The demo portal").

Deterministic (no random numbers): member ``n`` gets its name, user type, level, extensions and — for a few — an
offline check-out on a named workstation from arithmetic on ``n`` alone, so every run of the demo portal and every
test sees the same organisation. Plain tuples and dicts only: accounts.py turns them into ``DemoAccount``s.
"""

from __future__ import annotations

GENERATED_COUNT = 240
UNLICENSED_EVERY = 24          # members 24, 48, … 240 are Creators without an AllSource license (10 of them)
OFFLINE_EVERY = 17             # members 17, 34, … hold an offline license (unless unlicensed)
SEED_CHECKED_OUT_MS = 1_788_000_000_000   # 2026-08-29: when the seeded licenses were taken offline

FIRST_NAMES = ("Ada", "Bo", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea", "Milo", "Nia",
               "Otto", "Pia", "Quin", "Rae", "Sami", "Tove", "Uma", "Vic", "Wren", "Yuki", "Zane")
LAST_NAMES = ("Abbott", "Baker", "Castro", "Dubois", "Ekström", "Fischer", "García", "Haddad", "Ito", "Jensen",
              "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quispe", "Rossi", "Silva")
USER_TYPES = (("creatorUT", "Creator"), ("creatorUT", "Creator"), ("GISProfessionalBasicUT", "GIS Professional Basic"),
              ("GISProfessionalStdUT", "GIS Professional Standard"),
              ("GISProfessionalAdvUT", "GIS Professional Advanced"))
USER_TYPE_LEVEL = {"GISProfessionalBasicUT": "Basic", "GISProfessionalStdUT": "Standard",
                   "GISProfessionalAdvUT": "Advanced"}
LEVELS = ("Basic", "Standard", "Advanced")
EXTENSIONS = ("Spatial Analyst", "3D Analyst", "Image Analyst", "Geostatistical Analyst", "Network Analyst")
WORKSTATIONS = ("Survey laptop", "Field tablet 2", "Boat console", "Lab PC 14", "Hangar rugged", "Mine site 3",
                "Forest truck", "Dam control", "Rail depot", "Airport kiosk", "Harbor office", "Desert rig",
                "Arctic station", "Pipeline van")


def username_of(n: int) -> str:
    return f"member{n:03d}"


def member_rows() -> list[tuple[str, str, str, str, str | None, tuple[str, ...]]]:
    """(username, full name, user type id, user type name, AllSource level or None, extensions) for every member."""
    return [_member(n) for n in range(1, GENERATED_COUNT + 1)]


def _member(n: int) -> tuple[str, str, str, str, str | None, tuple[str, ...]]:
    full_name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[(n * 7) % len(LAST_NAMES)]}"
    if n % UNLICENSED_EVERY == 0:
        return username_of(n), full_name, "creatorUT", "Creator", None, ()
    type_id, type_name = USER_TYPES[n % len(USER_TYPES)]
    level = USER_TYPE_LEVEL.get(type_id) or LEVELS[(n // 5) % len(LEVELS)]
    count = (n * 3) % 4  # 0..3 extensions
    extensions = tuple(EXTENSIONS[(n + step * 2) % len(EXTENSIONS)] for step in range(count))
    return username_of(n), full_name, type_id, type_name, level, tuple(dict.fromkeys(extensions))


def seeded_checkout(n: int, entitlements: list[str]) -> dict:
    """The check-out record of member ``n``, in the store's shape. Nobody holds its device credential (the hashes
    match no credential), so it can only end by an administrator's release — as with a lost laptop."""
    alias = WORKSTATIONS[(n // OFFLINE_EVERY) % len(WORKSTATIONS)]
    return {"username": username_of(n), "org": "online", "machineId": f"demo-machine-{n:03d}",
            "osUser": f"{username_of(n)}-os", "workstationAlias": alias, "entitlements": list(entitlements),
            "checkedOutAt": SEED_CHECKED_OUT_MS + n * 3_600_000, "expires": -1,
            "computer": f"allsource-tui:demo-machine-{n:03d}", "intentHash": "0" * 64, "salt": "0" * 32,
            "credentialHash": "0" * 64}


def offline_numbers() -> list[int]:
    return [n for n in range(OFFLINE_EVERY, GENERATED_COUNT + 1, OFFLINE_EVERY) if n % UNLICENSED_EVERY != 0]
