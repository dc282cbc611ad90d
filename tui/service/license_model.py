"""The AllSource license model: level and extensions from the user type and add-on entitlements.

Rules (docs/portal-protocol.md, "Which listing is ArcGIS AllSource"): the level is the highest one found in the app
titled "ArcGIS AllSource" of the user type and in the user's entitlements on that listing; entitlement strings map to
extension names, and a string we don't know is shown as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from tui.core.models import LEVELS, LicenseInfo

if TYPE_CHECKING:  # tui.portal pulls in httpx
    from tui.portal.models import User

ALLSOURCE_TITLE = "arcgis allsource"
MANAGE_LICENSES = "portal:admin:manageLicenses"

LEVEL_ENTITLEMENTS = {"desktopbasicn": "Basic", "desktopstdn": "Standard", "desktopadvn": "Advanced"}

# Known extension strings (docs/portal-protocol.md, "Which listing is ArcGIS AllSource"); matched case-insensitively
# because scripts spell them both ways.
EXTENSION_NAMES = {
    "3danalystn": "3D Analyst",
    "spatialanalystn": "Spatial Analyst",
    "networkanalystn": "Network Analyst",
    "geostatanalystn": "Geostatistical Analyst",
    "imageanalystn": "Image Analyst",
    "datareviewern": "Data Reviewer",
    "workflowmgrn": "Workflow Manager",
    "datainteropn": "Data Interoperability",
    "publishern": "Publisher",
}

NO_LICENSE_ADVICE = ("You have no ArcGIS AllSource license; ask your organization administrator to assign you an "
                     "ArcGIS AllSource add-on license (or a GIS Professional user type).")


def is_allsource_title(title: str | None) -> bool:
    return (title or "").strip().lower() == ALLSOURCE_TITLE


def level_of(entitlements: Iterable[str]) -> str | None:
    found = [LEVEL_ENTITLEMENTS[e.lower()] for e in entitlements if e.lower() in LEVEL_ENTITLEMENTS]
    return max(found, key=LEVELS.index) if found else None


def extensions_of(entitlements: Iterable[str]) -> dict[str, bool]:
    """Every known extension with Yes/No, then any unknown entitlement string as it is (licensed)."""
    licensed = {name: False for name in sorted(EXTENSION_NAMES.values())}
    for raw in entitlements:
        key = raw.strip().lower()
        if not key or key in LEVEL_ENTITLEMENTS:
            continue
        licensed[EXTENSION_NAMES.get(key, raw.strip())] = True
    return licensed


def build_license(*, user_type_name: str | None, included: Iterable[str], assigned: Iterable[str],
                  listing_id: str | None, disconnected: bool, checked_at: float) -> LicenseInfo:
    """Combine the user type's included entitlements with the user's assigned ones; the higher level wins."""
    all_entitlements = [*included, *assigned]
    level = level_of(all_entitlements)
    extensions = extensions_of(all_entitlements) if level else extensions_of(())
    return LicenseInfo(level=level, extensions=extensions, user_type=user_type_name, listing_id=listing_id,
                       checked_at=checked_at, disconnected=disconnected)


def manages_licenses(user: User) -> bool:
    """An organization administrator, or a custom role with the privilege to manage licenses (Settings ›
    Organization and the `admin` commands are theirs)."""
    return user.role == "org_admin" or MANAGE_LICENSES in user.privileges
