"""People and the organisation tree in the browser. Thin: parse, call one selector or service,
render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mulin.core.concurrency import parse_version, version_token
from mulin.core.exceptions import ApplicationError
from mulin.core.forms import form_add_errors
from mulin.core.idempotency import fingerprint, form_key_to_show, key_from_request, run_once
from mulin.core.masking import mask_address, mask_id_number, mask_phone
from mulin.organizations.administration import (
    IssuedCode,
    account_open,
    account_password_reset,
    can_issue_code,
    person_set_active,
    role_appoint,
    role_remove,
)
from mulin.organizations.forms import (
    PartyMembershipForm,
    PersonEditForm,
    PersonForm,
    PersonSearchForm,
    RoleAppointForm,
    VersionForm,
    VolunteerProfileForm,
)
from mulin.organizations.middleware import request_actor
from mulin.organizations.models import OrgUnit, Person, Role
from mulin.organizations.permissions import (
    REVEALABLE_FIELDS,
    access_person_by_id,
    access_role_assignment_by_id,
    can_administer_person,
    can_grant_role,
    can_reveal_person,
    roles_grantable_by,
)
from mulin.organizations.roles import ROLE_SPECS, Capability
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import (
    orgunit_list_visible_to,
    orgunit_list_where,
    person_registered_with,
    person_roles,
    person_search,
)
from mulin.organizations.services import (
    party_membership_set,
    person_register,
    person_reveal,
    person_update,
    volunteer_profile_set,
)

K = OrgUnit.Kind
HOME_KINDS = [K.COMMUNITY, K.COMPOUND, K.BUILDING]


@require_safe
def person_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not actor.can_anywhere(Capability.PEOPLE_VIEW):
        raise PermissionDenied(_("You may not see the list of people."))
    units = orgunit_list_where(actor, Capability.PEOPLE_VIEW, kinds=[K.COMMUNITY, K.COMPOUND, K.BRANCH])
    form = PersonSearchForm(request.GET or None, units=units)
    filters = form.cleaned_data if form.is_valid() else {}
    people = person_search(
        actor,
        query=filters.get("q", ""),
        unit=filters.get("unit"),
        missing_phone=filters.get("missing_phone", False),
        include_inactive=filters.get("include_inactive", False),
    )
    page = Paginator(people, 25).get_page(request.GET.get("page"))
    rows = [(person, mask_phone(person.phone)) for person in page]
    context = {"form": form, "page": page, "rows": rows, "can_manage": actor.can_anywhere(Capability.PEOPLE_MANAGE)}
    return render(request, "organizations/person_list.html", context)


@require_safe
def person_detail_view(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = request_actor(request)
    person = access_person_by_id(actor, person_id)
    context = {
        "person": person,
        "masked": {
            "phone": mask_phone(person.phone),
            "id_number": mask_id_number(person.id_number),
            "address": mask_address(person.address),
        },
        "can_reveal": can_reveal_person(actor, person),
        "can_manage": can_administer_person(actor, person),
        "can_appoint": bool(roles_grantable_by(actor)),
        "can_issue_code": can_issue_code(actor, person),
        "version": version_token(person),
        "roles": person_roles(person),
        "membership": getattr(person, "party_membership", None),
        "volunteer": getattr(person, "volunteer_profile", None),
    }
    return render(request, "organizations/person_detail.html", context)


@require_POST
def person_reveal_view(request: HttpRequest, person_id: int, field: str) -> HttpResponse:
    """Show one field in full (htmx swaps the masked value); writes one audit row."""
    actor = request_actor(request)
    person = access_person_by_id(actor, person_id)
    if field not in REVEALABLE_FIELDS:
        raise Http404
    value = person_reveal(actor=actor, person=person, field=field)
    return render(
        request,
        "organizations/_masked_field.html",
        {"person": person, "field": field, "value": value, "revealed": True},
    )


@require_http_methods(["GET", "POST"])
def person_create_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not actor.can_anywhere(Capability.PEOPLE_MANAGE):
        raise PermissionDenied(_("You may not register people."))
    units = orgunit_list_where(actor, Capability.PEOPLE_MANAGE, kinds=HOME_KINDS)
    form = PersonForm(request.POST or None, units=units)
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            # A double click or a resubmitted page posts the same one-time key: one registration.
            outcome = run_once(
                owner_id=request.user.pk,
                key=key_from_request(request),
                fingerprint=fingerprint(request, request.POST),
                work=lambda: person_register(actor=actor, **form.cleaned_data),
            )
        except (ValidationError, ApplicationError) as exc:
            if isinstance(exc, ApplicationError) and exc.code == "duplicate_person":
                # "Already registered" links to the record, which the staff member can see.
                existing = person_registered_with(
                    actor, phone=form.cleaned_data["phone"], id_number=form.cleaned_data["id_number"]
                )
            form_add_errors(form, exc)  # takes the fields it names out of cleaned_data
        else:
            if outcome.replayed:
                messages.info(request, _("This registration had already been sent; here is the person."))
            else:
                name = outcome.value.full_name if outcome.value else ""
                messages.success(request, _("%(name)s has been registered.") % {"name": name})
            return redirect("organizations:person", person_id=int(outcome.target_id))
    context = {"form": form, "idempotency_key": form_key_to_show(request), "existing": existing}
    return render(request, "organizations/person_form.html", context)


@require_safe
def orgunit_tree_view(request: HttpRequest) -> HttpResponse:
    units = orgunit_list_visible_to(request_actor(request))
    return render(request, "organizations/orgunit_tree.html", {"units": units})


def _managed_person(request: HttpRequest, person_id: int) -> tuple[Actor, Person]:
    """The person, if the actor may change their record: 404 when they cannot even see them,
    403 when they see them but may not change them."""
    actor = request_actor(request)
    person = access_person_by_id(actor, person_id)
    if not can_administer_person(actor, person):
        raise PermissionDenied(_("You may not change this person's record."))
    return actor, person


@require_http_methods(["GET", "POST"])
def person_edit_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """Correct name, numbers, address, home and gender. The form carries the record's version:
    if someone saved in between, nothing is written and the page says so."""
    actor, person = _managed_person(request, person_id)
    units = orgunit_list_where(actor, Capability.PEOPLE_MANAGE, kinds=HOME_KINDS)
    masked = {
        "phone": mask_phone(person.phone),
        "id_number": mask_id_number(person.id_number),
        "address": mask_address(person.address),
    }
    initial = {
        "full_name": person.full_name,
        "email": person.email,
        "home_unit": person.home_unit_id,
        "gender": person.gender,
        "shows_full_name": person.shows_full_name,
        "version": version_token(person),
    }
    data = request.POST if request.method == "POST" else None
    form = PersonEditForm(data, initial=initial, units=units, masked=masked)
    existing = None
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        try:
            person_update(
                actor=actor, person=person, expected_version=parse_version(form.cleaned_data["version"]), **changes
            )
        except (ValidationError, ApplicationError) as exc:
            if isinstance(exc, ApplicationError) and exc.code == "duplicate_person":
                existing = person_registered_with(
                    actor, phone=changes.get("phone", ""), id_number=changes.get("id_number", ""), exclude=person
                )
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The record of %(name)s has been saved.") % {"name": person.full_name})
            return redirect("organizations:person", person_id=person.pk)
    return render(request, "organizations/person_edit.html", {"form": form, "person": person, "existing": existing})


def _set_active(request: HttpRequest, person_id: int, *, active: bool) -> HttpResponse:
    actor, person = _managed_person(request, person_id)
    form = VersionForm(request.POST)
    version = parse_version(form.data.get("version"))
    try:
        person_set_active(actor=actor, person=person, active=active, expected_version=version)
    except (PermissionDenied, ApplicationError) as exc:
        messages.error(request, exc.message if isinstance(exc, ApplicationError) else str(exc))
    else:
        if active:
            messages.success(request, _("%(name)s is active again.") % {"name": person.full_name})
        else:
            messages.success(
                request,
                _("%(name)s has been deactivated; their account cannot sign in.") % {"name": person.full_name},
            )
    return redirect("organizations:person", person_id=person.pk)


@require_POST
def person_deactivate_view(request: HttpRequest, person_id: int) -> HttpResponse:
    return _set_active(request, person_id, active=False)


@require_POST
def person_reactivate_view(request: HttpRequest, person_id: int) -> HttpResponse:
    return _set_active(request, person_id, active=True)


@require_http_methods(["GET", "POST"])
def person_membership_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """Record or correct a person's party branch and status."""
    actor, person = _managed_person(request, person_id)
    branches = orgunit_list_where(actor, Capability.PEOPLE_MANAGE, kinds=[K.BRANCH, K.PARTY_GROUP])
    membership = getattr(person, "party_membership", None)
    initial = (
        {"branch": membership.branch_id, "status": membership.status, "joined_on": membership.joined_on or None}
        if membership
        else {}
    )
    form = PartyMembershipForm(request.POST if request.method == "POST" else None, initial=initial, branches=branches)
    if request.method == "POST" and form.is_valid():
        try:
            party_membership_set(actor=actor, person=person, **form.cleaned_data)
        except (ValidationError, ApplicationError) as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The party membership has been saved."))
            return redirect("organizations:person", person_id=person.pk)
    context = {"form": form, "person": person, "title": _("Party membership")}
    return render(request, "organizations/person_section_form.html", context)


@require_http_methods(["GET", "POST"])
def person_volunteer_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """Record what a volunteer offers and when; they become a volunteer of their community."""
    actor, person = _managed_person(request, person_id)
    profile = getattr(person, "volunteer_profile", None)
    initial = {"skills": profile.skills, "availability": profile.availability} if profile else {}
    form = VolunteerProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            volunteer_profile_set(actor=actor, person=person, **form.cleaned_data)
        except (ValidationError, ApplicationError) as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The volunteer profile has been saved."))
            return redirect("organizations:person", person_id=person.pk)
    context = {"form": form, "person": person, "title": _("Volunteer skills")}
    return render(request, "organizations/person_section_form.html", context)


def _appoint_units(actor: Actor, roles: list[str]) -> QuerySet[OrgUnit]:
    kinds = set().union(*(ROLE_SPECS[role].unit_kinds for role in roles)) if roles else set()
    return orgunit_list_where(actor, Capability.ROLES_MANAGE, kinds=kinds)


@require_http_methods(["GET", "POST"])
def person_roles_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's roles, with a form to appoint another and a button to remove each that the
    actor may remove. A role the actor may not grant is a 403; a person they do not see a 404."""
    actor = request_actor(request)
    person = access_person_by_id(actor, person_id)
    grantable = roles_grantable_by(actor)
    if not grantable:
        raise PermissionDenied(_("You may not appoint roles."))
    data = request.POST if request.method == "POST" else None
    form = RoleAppointForm(data, roles=grantable, units=_appoint_units(actor, grantable))
    if request.method == "POST" and form.is_valid():
        try:
            role_appoint(actor=actor, person=person, **form.cleaned_data)
        except (ValidationError, ApplicationError) as exc:
            form_add_errors(form, exc)
        else:
            label = Role(form.cleaned_data["role"]).label
            messages.success(
                request,
                _("%(name)s is now %(role)s at %(unit)s; they have been told.")
                % {"name": person.full_name, "role": label, "unit": form.cleaned_data["unit"].name},
            )
            return redirect("organizations:person_roles", person_id=person.pk)
    roles = [
        (assignment, can_grant_role(actor, assignment.role, assignment.unit)) for assignment in person_roles(person)
    ]
    return render(request, "organizations/person_roles.html", {"form": form, "person": person, "roles": roles})


@require_POST
def role_remove_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """Remove the role assignment named by the `assignment` field (one of the person's)."""
    actor = request_actor(request)
    person = access_person_by_id(actor, person_id)
    assignment = access_role_assignment_by_id(actor, person, request.POST.get("assignment"))  # type: ignore[arg-type]
    role_remove(actor=actor, assignment=assignment)
    messages.success(
        request,
        _("%(name)s is no longer %(role)s at %(unit)s; they have been told.")
        % {"name": person.full_name, "role": assignment.get_role_display(), "unit": assignment.unit.name},
    )
    return redirect("organizations:person_roles", person_id=person.pk)


def _code_page(request: HttpRequest, person: Person, issued: IssuedCode, heading: str) -> HttpResponse:
    context = {"person": person, "issued": issued, "heading": heading}
    return render(request, "organizations/person_code.html", context)


@require_POST
def account_open_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """Open a sign-in account; the one-time code is shown on this answer only (never again)."""
    actor = request_actor(request)
    person = access_person_by_id(actor, person_id)
    try:
        issued = account_open(actor=actor, person=person)
    except (ValidationError, ApplicationError) as exc:
        messages.error(request, " ".join(_messages_of(exc)))
        return redirect("organizations:person", person_id=person.pk)
    return _code_page(request, person, issued, _("A sign-in account has been created"))


@require_POST
def password_reset_view(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = request_actor(request)
    person = access_person_by_id(actor, person_id)
    try:
        issued = account_password_reset(actor=actor, person=person)
    except (ValidationError, ApplicationError) as exc:
        messages.error(request, " ".join(_messages_of(exc)))
        return redirect("organizations:person", person_id=person.pk)
    return _code_page(request, person, issued, _("The password has been replaced by a one-time code"))


def _messages_of(exc: ValidationError | ApplicationError) -> list[str]:
    return [str(exc.message)] if isinstance(exc, ApplicationError) else list(exc.messages)
