"""People and the organisation tree in the browser. Thin: parse, call one selector or service,
render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mulin.core.exceptions import ApplicationError
from mulin.core.forms import form_add_errors
from mulin.core.idempotency import fingerprint, form_key_to_show, key_from_request, run_once
from mulin.core.masking import mask_address, mask_id_number, mask_phone
from mulin.organizations.forms import PersonForm, PersonSearchForm
from mulin.organizations.middleware import request_actor
from mulin.organizations.models import OrgUnit
from mulin.organizations.permissions import REVEALABLE_FIELDS, access_person_by_id, can_reveal_person
from mulin.organizations.roles import Capability
from mulin.organizations.selectors import orgunit_list_visible_to, orgunit_list_where, person_roles, person_search
from mulin.organizations.services import person_register, person_reveal

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
            form_add_errors(form, exc)
        else:
            if outcome.replayed:
                messages.info(request, _("This registration had already been sent; here is the person."))
            else:
                name = outcome.value.full_name if outcome.value else ""
                messages.success(request, _("%(name)s has been registered.") % {"name": name})
            return redirect("organizations:person", person_id=int(outcome.target_id))
    context = {"form": form, "idempotency_key": form_key_to_show(request)}
    return render(request, "organizations/person_form.html", context)


@require_safe
def orgunit_tree_view(request: HttpRequest) -> HttpResponse:
    units = orgunit_list_visible_to(request_actor(request))
    return render(request, "organizations/orgunit_tree.html", {"units": units})
