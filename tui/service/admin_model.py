"""What an organization administrator sees of a member's ArcGIS AllSource license (issue 14), and the refusals.

A member's level is the highest of the level in their entitlements on the AllSource listing and the level their user
type includes; the license comes with the user type for GIS Professional types and is an add-on otherwise (README
"Which listing is ArcGIS AllSource"). Extension names come from tui/service/license_model.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tui.core.errors import LicenseRuleError, UsageError
from tui.core.models import LEVELS
from tui.service.license_model import EXTENSION_NAMES, level_of

if TYPE_CHECKING:  # tui.portal pulls in httpx
    from tui.portal.models import UserEntitlements
    from tui.portal.org_members import CheckOutHolder, OrgUser

SOURCE_USER_TYPE = "user type"
SOURCE_ADD_ON = "add-on"
LEVEL_STRINGS = {"Basic": "desktopBasicN", "Standard": "desktopStdN", "Advanced": "desktopAdvN"}
EXTENSION_STRINGS = {  # the spelling sent to the portal (docs/portal-protocol.md, entitlement strings)
    "3D Analyst": "3DAnalystN", "Spatial Analyst": "spatialAnalystN", "Network Analyst": "networkAnalystN",
    "Geostatistical Analyst": "geostatAnalystN", "Image Analyst": "imageAnalystN",
    "Data Reviewer": "dataReviewerN", "Workflow Manager": "workflowMgrN", "Data Interoperability": "dataInteropN",
    "Publisher": "publisherN"}
USER_TYPE_NAMES = {"creatorUT": "Creator", "viewerUT": "Viewer", "editorUT": "Contributor",
                   "fieldWorkerUT": "Mobile Worker", "GISProfessionalBasicUT": "GIS Professional Basic",
                   "GISProfessionalStdUT": "GIS Professional Standard",
                   "GISProfessionalAdvUT": "GIS Professional Advanced"}
USER_TYPE_LEVEL = {"GISProfessionalBasicUT": "Basic", "GISProfessionalStdUT": "Standard",
                   "GISProfessionalAdvUT": "Advanced"}


class AdminOnly(LicenseRuleError):
    """Exit 6: the signed-in user may not administer the organization's licenses."""

    def __init__(self, action: str) -> None:
        super().__init__(f"Only an organization administrator can {action}; sign in as one.")


class MemberCheckedOut(LicenseRuleError):
    """Exit 6: the portal allows no change to a license while it is checked out (offline)."""

    def __init__(self, username: str, alias: str | None) -> None:
        where = f" on '{alias}'" if alias else ""
        super().__init__(f"{username}'s ArcGIS AllSource license is checked out to work offline{where}, and the "
                         "portal allows no change while it is out; ask them to check it in, or release it with "
                         f"`allsource-tui admin release {username}`.")
        self.username, self.alias = username, alias


def iso_utc(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class MemberOffline:
    """A checked-out license; the fields are None when the portal doesn't say (no project-defined check-out list)."""

    workstation_alias: str | None
    machine: str | None
    os_user: str | None
    checked_out_at: float | None

    def to_json(self) -> dict:
        return {"workstation_alias": self.workstation_alias, "machine": self.machine, "os_user": self.os_user,
                "checked_out_at": iso_utc(self.checked_out_at)}


@dataclass(frozen=True)
class Member:
    username: str
    full_name: str
    user_type: str
    level: str | None
    extensions: tuple[str, ...]
    source: str
    offline: MemberOffline | None
    entitlements: tuple[str, ...] = ()

    @property
    def holds_license(self) -> bool:
        return self.level is not None

    def to_json(self) -> dict:
        return {"username": self.username, "full_name": self.full_name, "user_type": self.user_type,
                "level": self.level, "extensions": list(self.extensions), "source": self.source,
                "offline": self.offline.to_json() if self.offline else None}


def build_member(entitlements: UserEntitlements, user: OrgUser | None, holder: CheckOutHolder | None) -> Member:
    type_id = user.user_type_id if user else ""
    levels = [level for level in (level_of(entitlements.entitlements), USER_TYPE_LEVEL.get(type_id)) if level]
    level = max(levels, key=LEVELS.index) if levels else None
    offline = None
    if entitlements.disconnected or holder is not None:
        offline = MemberOffline(workstation_alias=holder.workstation_alias or None if holder else None,
                                machine=holder.machine_id or None if holder else None,
                                os_user=holder.os_user or None if holder else None,
                                checked_out_at=holder.checked_out_at if holder else None)
    return Member(username=entitlements.username, full_name=user.full_name if user else "",
                  user_type=USER_TYPE_NAMES.get(type_id, type_id), level=level,
                  extensions=extension_names(entitlements.entitlements) if level else (),
                  source=SOURCE_USER_TYPE if type_id in USER_TYPE_LEVEL else SOURCE_ADD_ON, offline=offline,
                  entitlements=entitlements.entitlements)


def extension_names(entitlements: tuple[str, ...]) -> tuple[str, ...]:
    """Licensed extension names in a stable order; an unknown string is shown as it is."""
    names = [EXTENSION_NAMES.get(raw.lower(), raw) for raw in entitlements
             if raw.lower() not in ("desktopbasicn", "desktopstdn", "desktopadvn")]
    return tuple(sorted(dict.fromkeys(names)))


def entitlement_strings(level: str | None, extensions: tuple[str, ...]) -> list[str]:
    """The provisionUserEntitlements list for a level and extension names (names or raw strings, any case)."""
    strings = [LEVEL_STRINGS[level]] if level else []
    return strings + [extension_string(name) for name in extensions]


def extension_string(name: str) -> str:
    wanted = name.strip().lower()
    for label, raw in EXTENSION_STRINGS.items():
        if wanted in (label.lower(), raw.lower()):
            return raw
    known = ", ".join(EXTENSION_STRINGS)
    raise UsageError(f"'{name}' is not an ArcGIS AllSource extension; use one of: {known}.")


def level_name(text: str) -> str:
    for level in LEVELS:
        if text.strip().lower() == level.lower():
            return level
    raise UsageError(f"'{text}' is not an ArcGIS AllSource level; use Basic, Standard or Advanced.")
