"""What each role allows, and where. The single table every permission decision reads.

A role is held at a unit. Its capabilities apply to that unit's subtree, except where
`scope` widens them to the enclosing community (a resident of 南八苑 may read 南苑社区's public
structure, not just their compound's). Later modules add their capabilities here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mulin.organizations.models import OrgUnit, Role

K = OrgUnit.Kind


class Capability(StrEnum):
    ORG_VIEW = "org.view"  # see units of the tree
    ORG_MANAGE = "org.manage"  # create, rename, move units
    PEOPLE_VIEW = "people.view"  # list people and see their masked details
    PEOPLE_REVEAL = "people.reveal"  # see a full phone / ID / address (audited)
    PEOPLE_MANAGE = "people.manage"  # register and edit people, import and export
    ROLES_MANAGE = "roles.manage"  # grant and revoke roles
    AUDIT_VIEW = "audit.view"  # read the audit log
    SECURITY_MANAGE = "security.manage"  # unlock accounts, reset second factors, end sessions
    ADMIN_SITE = "admin.site"  # the Django admin
    WISH_VIEW = "wishes.view"  # read the wish wall; its reach is the enclosing street (wishes/selectors.py)
    WISH_POST = "wishes.post"  # post a wish of one's own
    WISH_CLAIM = "wishes.claim"  # claim and fulfil published wishes anywhere in the enclosing street
    WISH_MODERATE = "wishes.moderate"  # verify, publish, reject; enter and confirm wishes for offline residents
    POINTS_MANAGE = "points.manage"  # correct ledger entries (compensating entries); at street level, edit rules
    ROSTER_VIEW = "rosters.view"  # see the community's duty points, roster and pledge wall
    ROSTER_DUTY = "rosters.duty"  # sign the pledge, sign up for duty, declare availability, ask for leave or a swap
    ROSTER_MANAGE = "rosters.manage"  # organise rosters: points, templates, periods, assignments, auto-fill, approvals
    WORKORDER_VIEW = "workorders.view"  # see work orders (public fields); reach is the enclosing street
    WORKORDER_REPORT = "workorders.report"  # report a problem as a work order anywhere in the enclosing street
    WORKORDER_MANAGE = "workorders.manage"  # accept, dispatch, reassign, verify, close; at street level: keys
    WORKORDER_HANDLE = "workorders.handle"  # work on orders dispatched to one's unit (start, resolve, return)
    PATROL_VIEW = "patrols.view"  # see rivers, segments and patrol diaries; reach is the enclosing street
    PATROL_LOG = "patrols.log"  # claim segments and log patrols anywhere in the enclosing street
    PATROL_MANAGE = "patrols.manage"  # rivers (street level), segments and plans; claims on behalf of a branch
    STATION_VIEW = "stations.view"  # see stations and their rooms; reach is the enclosing street
    STATION_BOOK = "stations.book"  # ask for a room of a station anywhere in the enclosing street
    STATION_MANAGE = "stations.manage"  # keep stations and rooms, approve or decline bookings
    ACTIVITY_VIEW = "activities.view"  # see activities open to one (reach: the enclosing street)
    ACTIVITY_JOIN = "activities.join"  # sign up for activities and check in
    ACTIVITY_ORGANISE = "activities.organise"  # create and run activities of the units where it is held
    TOPIC_VIEW = "roundtable.view"  # see the topics and roundtables of one's community (the public board)
    TOPIC_RAISE = "roundtable.raise"  # raise a topic, say "me too", vote where invited, rate the outcome
    TOPIC_HANDLE = "roundtable.handle"  # handle topics at a level: escalate, merge, schedule roundtables
    # Record the compound's three-party joint meetings (居委会, 业委会, 物业) and keep their
    # responsibility list; held by the parties' officers at their party's unit (mulin/roundtable).
    COGOV_RECORD = "roundtable.cogov_record"
    # Record residents' written consent and measured values at the unit's health-check activities
    # (mulin/health); read those values while the consent stands. Nobody else holds it: community
    # and street staff never read health values.
    HEALTH_RECORD = "health.record"


class Scope(StrEnum):
    UNIT = "unit"  # the subtree of the unit the role is held at
    COMMUNITY = "community"  # the subtree of the enclosing community (or partner unit)


@dataclass(frozen=True)
class RoleSpec:
    unit_kinds: frozenset[str]
    capabilities: frozenset[Capability]
    is_staff: bool  # staff must pass a second factor at login
    scope: Scope = Scope.UNIT


C = Capability
_ORG_WIDE = frozenset({K.DISTRICT, K.STREET})
_PARTY_ORGS = frozenset({K.PARTY_COMMITTEE, K.GENERAL_BRANCH, K.BRANCH, K.PARTY_GROUP})
# Work orders (mulin/workorders): everyone registered reports problems and follows them; community and
# street staff run the loop; a branch or partner unit works on what is dispatched to it.
_REPORTER = frozenset({C.WORKORDER_VIEW, C.WORKORDER_REPORT})
_HANDLER = frozenset({C.WORKORDER_HANDLE})
_WORKORDER_STAFF = _REPORTER | {C.WORKORDER_MANAGE}
# River patrols (mulin/patrols): members and volunteers patrol; staff plan; a branch secretary claims for the branch.
_PATROLLER = frozenset({C.PATROL_VIEW, C.PATROL_LOG})
_PATROL_STAFF = _PATROLLER | {C.PATROL_MANAGE}
# Roundtable (mulin/roundtable): everyone registered raises topics in their community; community staff
# handle the building, compound and community levels, street staff the street level.
_TOPICS = frozenset({C.TOPIC_VIEW, C.TOPIC_RAISE})
_TOPIC_STAFF = _TOPICS | {C.TOPIC_HANDLE}

# Stations and activities (mulin/stations, mulin/activities): everyone registered finds stations and
# joins activities; branches, partner units and community staff organise them and ask for rooms;
# community and street staff keep the stations and approve bookings.
_PARTICIPANT = frozenset({C.STATION_VIEW, C.ACTIVITY_VIEW, C.ACTIVITY_JOIN})
_ORGANISER = _PARTICIPANT | {C.STATION_BOOK, C.ACTIVITY_ORGANISE}
_STATION_STAFF = _ORGANISER | {C.STATION_MANAGE}

ROLE_SPECS: dict[str, RoleSpec] = {
    Role.RESIDENT: RoleSpec(
        frozenset({K.COMMUNITY, K.COMPOUND, K.BUILDING}),
        frozenset({C.ORG_VIEW, C.WISH_VIEW, C.WISH_POST, C.ROSTER_VIEW, C.PATROL_VIEW} | _REPORTER | _TOPICS)
        | _PARTICIPANT,
        False,
        Scope.COMMUNITY,
    ),
    Role.PARTY_MEMBER: RoleSpec(
        _PARTY_ORGS,
        frozenset(
            {C.ORG_VIEW, C.WISH_VIEW, C.WISH_CLAIM, C.ROSTER_VIEW, C.ROSTER_DUTY} | _REPORTER | _PATROLLER | _TOPICS
        )
        | _PARTICIPANT,
        False,
        Scope.COMMUNITY,
    ),
    Role.VOLUNTEER: RoleSpec(
        frozenset({K.COMMUNITY, K.TEAM, K.COMPOUND}),
        frozenset(
            {C.ORG_VIEW, C.WISH_VIEW, C.WISH_CLAIM, C.ROSTER_VIEW, C.ROSTER_DUTY} | _REPORTER | _PATROLLER | _TOPICS
        )
        | _PARTICIPANT,
        False,
        Scope.COMMUNITY,
    ),
    Role.BRANCH_SECRETARY: RoleSpec(
        _PARTY_ORGS,
        frozenset(
            {C.ORG_VIEW, C.PEOPLE_VIEW, C.PEOPLE_REVEAL, C.WISH_VIEW, C.WISH_CLAIM}
            | _REPORTER
            | _HANDLER
            | _PATROL_STAFF
            | _TOPICS
        )
        | _ORGANISER,
        True,
    ),
    Role.COMMUNITY_WORKER: RoleSpec(
        frozenset({K.COMMUNITY}),
        frozenset(
            {C.ORG_VIEW, C.PEOPLE_VIEW, C.PEOPLE_REVEAL, C.PEOPLE_MANAGE, C.WISH_VIEW, C.WISH_MODERATE}
            | {C.ROSTER_VIEW, C.ROSTER_MANAGE}
            | _WORKORDER_STAFF
            | _PATROL_STAFF
            | _TOPIC_STAFF
        )
        | _STATION_STAFF,
        True,
    ),
    Role.COMMUNITY_SECRETARY: RoleSpec(
        frozenset({K.COMMUNITY}),
        frozenset(
            {C.ORG_VIEW, C.PEOPLE_VIEW, C.PEOPLE_REVEAL, C.PEOPLE_MANAGE, C.ROLES_MANAGE}
            | {C.WISH_VIEW, C.WISH_MODERATE, C.POINTS_MANAGE, C.ROSTER_VIEW, C.ROSTER_MANAGE}
            | _WORKORDER_STAFF
            | _PATROL_STAFF
            | _TOPIC_STAFF
        )
        | _STATION_STAFF,
        True,
    ),
    Role.PARTNER_CONTACT: RoleSpec(
        frozenset({K.PARTNER_UNIT}),
        frozenset(
            {C.ORG_VIEW, C.PEOPLE_VIEW, C.WISH_VIEW, C.WISH_CLAIM, C.PATROL_VIEW, C.HEALTH_RECORD}
            | _REPORTER
            | _HANDLER
            | _TOPICS
        )
        | _ORGANISER,
        False,
    ),
    # Officers of a compound's 居民小组, 业委会 or 物业: they record the three parties' joint meetings of
    # that compound; no personal data, no second factor.
    Role.GOVERNANCE_OFFICER: RoleSpec(
        frozenset({K.RESIDENTS_COMMITTEE, K.OWNERS_COMMITTEE, K.PROPERTY_MANAGEMENT}),
        frozenset({C.ORG_VIEW, C.COGOV_RECORD}),
        False,
    ),
    Role.STREET_ADMIN: RoleSpec(
        _ORG_WIDE,
        frozenset(
            {C.ORG_VIEW, C.ORG_MANAGE, C.PEOPLE_VIEW, C.PEOPLE_REVEAL, C.PEOPLE_MANAGE, C.ROLES_MANAGE}
            | {C.WISH_VIEW, C.WISH_MODERATE, C.POINTS_MANAGE, C.ROSTER_VIEW, C.ROSTER_MANAGE}
            | _WORKORDER_STAFF
            | _PATROL_STAFF
            | _TOPIC_STAFF
        )
        | _STATION_STAFF,
        True,
    ),
    # Separation of duties (等保 三权分立): the system administrator runs the system but reads no
    # full personal data and cannot touch the audit log; the auditor only reads the log.
    Role.SYSTEM_ADMIN: RoleSpec(
        _ORG_WIDE, frozenset({C.ORG_VIEW, C.ORG_MANAGE, C.PEOPLE_VIEW, C.ROLES_MANAGE, C.ADMIN_SITE}), True
    ),
    Role.SECURITY_ADMIN: RoleSpec(_ORG_WIDE, frozenset({C.ORG_VIEW, C.PEOPLE_VIEW, C.SECURITY_MANAGE}), True),
    Role.AUDIT_ADMIN: RoleSpec(_ORG_WIDE, frozenset({C.AUDIT_VIEW}), True),
}

# Which roles a holder of ROLES_MANAGE may grant: never more than they hold themselves.
GRANTABLE_BY: dict[str, frozenset[str]] = {
    Role.COMMUNITY_SECRETARY: frozenset(
        {
            Role.RESIDENT,
            Role.PARTY_MEMBER,
            Role.VOLUNTEER,
            Role.BRANCH_SECRETARY,
            Role.COMMUNITY_WORKER,
            Role.GOVERNANCE_OFFICER,
        }
    ),
    Role.STREET_ADMIN: frozenset(
        {
            Role.RESIDENT,
            Role.PARTY_MEMBER,
            Role.VOLUNTEER,
            Role.BRANCH_SECRETARY,
            Role.COMMUNITY_WORKER,
            Role.COMMUNITY_SECRETARY,
            Role.PARTNER_CONTACT,
            Role.GOVERNANCE_OFFICER,
            Role.STREET_ADMIN,
        }
    ),
    Role.SYSTEM_ADMIN: frozenset(ROLE_SPECS),
}

# Separation of duties (等保 三权分立): one person never holds two of these.
EXCLUSIVE_ADMIN_ROLES: frozenset[str] = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
