"""Reads of work orders, always scoped to the actor.

Reach. Orders are about public spaces and the people who fix them serve the whole street, so
their public fields are visible across the street enclosing the actor's WORKORDER_VIEW grant
(the same street reach as the wish wall). Acting on an order is narrower: see permissions.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.organizations.models import OrgUnit
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor, scope_q, street_reach_q, subtree_q
from mulin.workorders.models import (
    OPEN_STATUSES,
    WITH_PARTY_STATUSES,
    ExternalDepartment,
    Open311Client,
    WorkOrder,
    WorkOrderCategory,
    WorkOrderEvent,
    WorkOrderPhoto,
)

S = WorkOrder.Status
LIST_RELATED = ("category", "community", "place", "assignee_department")


def work_order_visibility_q(actor: Actor) -> Q:
    """Orders the actor may see: the street's orders for WORKORDER_VIEW holders, plus their own
    reports, orders they entered, and orders dispatched to a unit where they handle orders."""
    visible = street_reach_q(actor, Capability.WORKORDER_VIEW, "scope_path")
    if actor.person_id is not None:
        visible |= Q(reporter_id=actor.person_id) | Q(entered_by_id=actor.person_id)
    if actor.can_anywhere(Capability.WORKORDER_HANDLE):
        visible |= scope_q(actor, Capability.WORKORDER_HANDLE, "assignee_path")
    return visible


def work_order_list_visible_to(
    actor: Actor,
    *,
    statuses: Iterable[str] | None = None,
    community_id: int | None = None,
    category_id: int | None = None,
    overdue: bool = False,
    before: int | None = None,
) -> QuerySet[WorkOrder]:
    """Orders the actor may see, newest first, joined with what a card shows. Keyset pagination:
    pass the last id seen as `before` (no COUNT, no OFFSET)."""
    orders = WorkOrder.objects.filter(work_order_visibility_q(actor))
    if statuses is not None:
        orders = orders.filter(status__in=sorted(set(statuses)))
    if community_id is not None:
        orders = orders.filter(community_id=community_id)
    if category_id is not None:
        orders = orders.filter(category_id=category_id)
    if overdue:
        orders = orders.filter(status__in=sorted(WITH_PARTY_STATUSES), due_at__lt=timezone.now())
    if before is not None:
        orders = orders.filter(pk__lt=before)
    return orders.select_related(*LIST_RELATED).order_by("-id")


def work_order_list_to_manage(actor: Actor, *, before: int | None = None) -> QuerySet[WorkOrder]:
    """Open orders in the communities the actor runs, oldest first: the staff's work queue."""
    orders = WorkOrder.objects.filter(status__in=sorted(OPEN_STATUSES)).filter(
        scope_q(actor, Capability.WORKORDER_MANAGE, "scope_path")
    )
    if before is not None:
        orders = orders.filter(pk__gt=before)
    return orders.select_related(*LIST_RELATED).order_by("id")


def work_order_list_assigned_to(actor: Actor) -> QuerySet[WorkOrder]:
    """Open orders dispatched to a unit where the actor handles orders, oldest first."""
    if not actor.can_anywhere(Capability.WORKORDER_HANDLE):
        return WorkOrder.objects.none()
    return (
        WorkOrder.objects.filter(status__in=[S.DISPATCHED, S.IN_PROGRESS])
        .filter(scope_q(actor, Capability.WORKORDER_HANDLE, "assignee_path"))
        .select_related(*LIST_RELATED)
        .order_by("id")[:100]
    )


def work_order_list_reported_by(actor: Actor, *, before: int | None = None) -> QuerySet[WorkOrder]:
    """The actor's own reports, newest first."""
    if actor.person_id is None:
        return WorkOrder.objects.none()
    orders = WorkOrder.objects.filter(reporter_id=actor.person_id)
    if before is not None:
        orders = orders.filter(pk__lt=before)
    return orders.select_related(*LIST_RELATED).order_by("-id")


def _source_key(source: models.Model) -> tuple[int, int]:
    return ContentType.objects.get_for_model(source).pk, int(source.pk)


def work_order_list_for_source(actor: Actor, source: models.Model) -> QuerySet[WorkOrder]:
    """The orders that came from `source` (a patrol log, an inspection, a roundtable topic) and
    that the actor may see, oldest first."""
    type_id, source_id = _source_key(source)
    return work_order_list_visible_to(actor).filter(source_type_id=type_id, source_id=source_id).order_by("id")


def work_order_list_for_sources(
    actor: Actor, model: type[models.Model], source_ids: Iterable[int]
) -> QuerySet[WorkOrder]:
    """The orders that came from any of the rows `source_ids` of `model` and that the actor may
    see, oldest first: one query for a page of sources (a segment's diary)."""
    type_id = ContentType.objects.get_for_model(model).pk
    return (
        work_order_list_visible_to(actor).filter(source_type_id=type_id, source_id__in=list(source_ids)).order_by("id")
    )


def work_order_events(order: WorkOrder) -> list[WorkOrderEvent]:
    return list(order.events.order_by("id"))


def work_order_photos(order: WorkOrder) -> list[WorkOrderPhoto]:
    return list(order.photos.order_by("id"))


def category_list(*, include_retired: bool = False) -> QuerySet[WorkOrderCategory]:
    categories = WorkOrderCategory.objects.all()
    if not include_retired:
        categories = categories.filter(is_active=True)
    return categories.order_by("order", "code")


def department_list_for(actor: Actor, community: OrgUnit | None = None) -> QuerySet[ExternalDepartment]:
    """External departments of the streets the actor reaches (of `community`'s street if given)."""
    departments = ExternalDepartment.objects.filter(is_active=True).filter(
        street_reach_q(actor, Capability.WORKORDER_VIEW, "street__path")
    )
    if community is not None:
        departments = departments.filter(street__path__in=community.ancestor_paths)
    return departments.select_related("street").order_by("street__path", "code")


def department_list_of_street(street: OrgUnit) -> QuerySet[ExternalDepartment]:
    """Every external department of a street, retired ones too (the street's settings page)."""
    return ExternalDepartment.objects.filter(street=street).order_by("code")


# Kinds of organisation unit a work order can be dispatched to.
ASSIGNABLE_KINDS = (
    OrgUnit.Kind.COMMUNITY,
    OrgUnit.Kind.PROPERTY_MANAGEMENT,
    OrgUnit.Kind.PARTNER_UNIT,
    OrgUnit.Kind.BRANCH,
)


def assignable_units_for(order: WorkOrder) -> QuerySet[OrgUnit]:
    """Units of the order's street that may be made responsible for it: communities, property
    managements, partner units and party branches."""
    chain = [*order.community.ancestor_paths, order.community.path]
    street = OrgUnit.objects.filter(path__in=chain, kind=OrgUnit.Kind.STREET).order_by("-path").first()
    units = OrgUnit.objects.filter(kind__in=ASSIGNABLE_KINDS, is_active=True)
    if street is not None:
        units = units.filter(subtree_q("path", street.path))
    return units.order_by("path")


def open311_client_list(actor: Actor) -> QuerySet[Open311Client]:
    """Keys of the streets the actor administers, newest first."""
    from mulin.workorders.permissions import street_paths_managed_by

    paths = street_paths_managed_by(actor)
    if not paths:
        return Open311Client.objects.none()
    where = Q()
    if "" not in paths:
        where = Q(pk__in=[])
        for path in paths:
            where |= subtree_q("street__path", path)
    return Open311Client.objects.filter(where).select_related("street", "default_community").order_by("-id")


def attention_counts(actor: Actor) -> dict[str, int]:
    """What needs the actor's attention, in one query: orders waiting for staff, overdue orders
    they run, orders dispatched to their unit, and their own fixed orders to check."""
    conditions: dict[str, Q] = {}
    now = timezone.now()
    if actor.can_anywhere(Capability.WORKORDER_MANAGE):
        managed = scope_q(actor, Capability.WORKORDER_MANAGE, "scope_path")
        conditions["to_triage"] = Q(status__in=[S.REPORTED, S.ACCEPTED, S.VERIFIED]) & managed
        conditions["overdue"] = Q(status__in=[S.DISPATCHED, S.IN_PROGRESS], due_at__lt=now) & managed
    if actor.can_anywhere(Capability.WORKORDER_HANDLE):
        conditions["assigned"] = Q(status__in=[S.DISPATCHED, S.IN_PROGRESS]) & scope_q(
            actor, Capability.WORKORDER_HANDLE, "assignee_path"
        )
    if actor.person_id is not None:
        conditions["to_verify"] = Q(status=S.RESOLVED, reporter_id=actor.person_id)
    if not conditions:
        return {}
    either = Q(pk__in=[])
    for condition in conditions.values():
        either |= condition
    counts: dict[str, Any] = WorkOrder.objects.filter(either).aggregate(
        **{name: Count("pk", filter=condition) for name, condition in conditions.items()}
    )
    return counts


def community_choices_for(actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of the communities where the actor may report problems, in tree order."""
    return [
        (unit.pk, unit.name)
        for unit in OrgUnit.objects.filter(
            street_reach_q(actor, Capability.WORKORDER_REPORT, "path"), kind=OrgUnit.Kind.COMMUNITY, is_active=True
        ).order_by("path")
    ]


def party_choices_for(order: WorkOrder) -> list[tuple[str, str]]:
    """The responsible parties an order may go to, as ("unit:<id>" | "department:<id>", label):
    external departments of its street first, then its units by kind."""
    chain = [*order.community.ancestor_paths, order.community.path]
    departments = ExternalDepartment.objects.filter(is_active=True, street__path__in=chain).order_by("code")
    choices = [(f"department:{d.pk}", d.name) for d in departments]
    for unit in assignable_units_for(order):
        choices.append(
            (f"unit:{unit.pk}", _("%(name)s (%(kind)s)") % {"name": unit.name, "kind": unit.get_kind_display()})
        )
    return choices


def party_from_choice(order: WorkOrder, value: str) -> OrgUnit | ExternalDepartment | None:
    """The party a "unit:<id>" / "department:<id>" value names, if the order may go to it."""
    kind, _sep, raw = (value or "").partition(":")
    if not raw.isdigit():
        return None
    if kind == "department":
        chain = [*order.community.ancestor_paths, order.community.path]
        return ExternalDepartment.objects.filter(pk=int(raw), is_active=True, street__path__in=chain).first()
    if kind == "unit":
        return assignable_units_for(order).filter(pk=int(raw)).first()
    return None
