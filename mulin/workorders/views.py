"""Work orders in the browser. Thin: parse, call one selector or service, render. Buttons are
shown by the same predicates the services enforce (transitions.available_actions)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mulin.core.exceptions import ApplicationError
from mulin.core.forms import form_add_errors
from mulin.core.idempotency import fingerprint, form_key_to_show, key_from_request, run_once
from mulin.core.photos import photo_response
from mulin.core.views import keyset_before, keyset_page
from mulin.organizations.middleware import request_actor
from mulin.organizations.models import OrgUnit
from mulin.organizations.roles import Capability
from mulin.workorders import forms as F
from mulin.workorders import services
from mulin.workorders.models import WorkOrder
from mulin.workorders.permissions import (
    access_photo_by_uuid,
    access_work_order_by_id,
    can_manage_street_settings,
    can_manage_work_order,
    can_rate_work_order,
    can_view_work_order_private,
    street_paths_managed_by,
)
from mulin.workorders.selectors import (
    category_list,
    community_choices_for,
    department_list_of_street,
    open311_client_list,
    party_choices_for,
    party_from_choice,
    work_order_events,
    work_order_list_assigned_to,
    work_order_list_reported_by,
    work_order_list_to_manage,
    work_order_list_visible_to,
    work_order_photos,
)
from mulin.workorders.transitions import TRANSITIONS, available_actions


@require_safe
def work_order_list_view(request: HttpRequest) -> HttpResponse:
    """The street's work orders, newest first, 25 at a time."""
    actor = request_actor(request)
    if not actor.can_anywhere(Capability.WORKORDER_VIEW):
        raise PermissionDenied(_("You may not see work orders."))
    categories = [(category.pk, category.name) for category in category_list()]
    form = F.ListFilterForm(request.GET or None, categories=categories)
    show, category_id = "open", None
    if form.is_valid():
        show = form.cleaned_data["show"] or "open"
        category_id = form.cleaned_data["category"]
    orders, next_url = keyset_page(
        request,
        work_order_list_visible_to(
            actor,
            statuses=F.STATUS_GROUPS[show],
            category_id=category_id,
            overdue=show == "overdue",
            before=keyset_before(request),
        ),
    )
    context = {
        "orders": orders,
        "next_url": next_url,
        "form": form,
        "can_report": actor.can_anywhere(Capability.WORKORDER_REPORT),
    }
    return render(request, "workorders/order_list.html", context)


@require_safe
def work_order_queue_view(request: HttpRequest) -> HttpResponse:
    """Staff: the open orders of their communities, oldest first; parties: orders sent to them."""
    actor = request_actor(request)
    manages = actor.can_anywhere(Capability.WORKORDER_MANAGE)
    handles = actor.can_anywhere(Capability.WORKORDER_HANDLE)
    if not (manages or handles):
        raise PermissionDenied(_("Only community staff and responsible parties have a work order queue."))
    managed, next_url = (
        keyset_page(request, work_order_list_to_manage(actor, before=keyset_before(request))) if manages else ([], "")
    )
    context = {
        "managed": managed,
        "assigned": list(work_order_list_assigned_to(actor)) if handles else [],
        "next_url": next_url,
        "manages": manages,
    }
    return render(request, "workorders/order_queue.html", context)


@require_safe
def work_order_mine_view(request: HttpRequest) -> HttpResponse:
    """The problems I reported, newest first."""
    actor = request_actor(request)
    if actor.person is None:
        raise PermissionDenied(_("You may not see work orders."))
    orders, next_url = keyset_page(request, work_order_list_reported_by(actor, before=keyset_before(request)))
    return render(request, "workorders/order_mine.html", {"orders": orders, "next_url": next_url})


@require_http_methods(["GET", "HEAD", "POST"])
def work_order_create_view(request: HttpRequest) -> HttpResponse:
    """Report a problem: category, a few words, where, photos."""
    actor = request_actor(request)
    communities = community_choices_for(actor)
    if not communities:
        raise PermissionDenied(_("You may report problems only in your own street."))
    home = actor.person.home_unit if actor.person is not None else None
    initial = {}
    if home is not None:
        initial["community"] = next((pk for pk, _name in communities if home.local_root_id == pk), None)
    form = F.ReportForm(
        request.POST or None,
        request.FILES or None,
        categories=category_list(),
        communities=communities,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            community = OrgUnit.objects.get(pk=data["community"])
            outcome = run_once(
                owner_id=request.user.pk,
                key=key_from_request(request),
                fingerprint=fingerprint(request, request.POST),
                work=lambda: services.work_order_create(
                    actor=actor,
                    category=data["category"],
                    title=data["title"],
                    description=data["description"],
                    community=community,
                    location=services.Location(address=data["address"]),
                    photos=data["photos"],
                ),
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            if outcome.replayed:
                messages.info(request, _("This report had already been sent; here it is."))
            else:
                messages.success(request, _("Thank you. The community office has your report."))
            return redirect("workorders:detail", order_id=int(outcome.target_id))
    return render(request, "workorders/order_form.html", {"form": form, "idempotency_key": form_key_to_show(request)})


# --- one order ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebAction:
    """How the page offers an action: its form and the service call with the form's data."""

    form: Callable[..., forms.Form] | None
    run: Callable[[Any, WorkOrder, dict[str, Any]], WorkOrder]
    done: str


def _party(order: WorkOrder, data: dict[str, Any]) -> Any:
    party = party_from_choice(order, data["party"])
    if party is None:
        raise ValidationError({"party": [_("Choose who is responsible.")]})
    return party


def _party_form(form_class: type[F.PartyForm]) -> Callable[..., forms.Form]:
    def build(*args: Any, order: WorkOrder, **kwargs: Any) -> forms.Form:
        return form_class(*args, parties=party_choices_for(order), **kwargs)

    return build


WEB_ACTIONS: dict[str, WebAction] = {
    "accept": WebAction(
        F.NoteForm, lambda a, o, d: services.work_order_accept(actor=a, order=o, note=d["note"]), "accepted"
    ),
    "dispatch": WebAction(
        _party_form(F.PartyForm),
        lambda a, o, d: services.work_order_dispatch(actor=a, order=o, party=_party(o, d), note=d["note"]),
        "dispatched",
    ),
    "reassign": WebAction(
        _party_form(F.ReassignForm),
        lambda a, o, d: services.work_order_reassign(actor=a, order=o, party=_party(o, d), reason=d["reason"]),
        "reassigned",
    ),
    "return": WebAction(
        F.ReasonForm, lambda a, o, d: services.work_order_return(actor=a, order=o, reason=d["reason"]), "returned"
    ),
    "start": WebAction(
        F.NoteForm, lambda a, o, d: services.work_order_start(actor=a, order=o, note=d["note"]), "started"
    ),
    "resolve": WebAction(
        F.ResolveForm,
        lambda a, o, d: services.work_order_resolve(actor=a, order=o, note=d["note"], photos=d["photos"]),
        "resolved",
    ),
    "send_back": WebAction(
        F.ReasonForm, lambda a, o, d: services.work_order_send_back(actor=a, order=o, reason=d["reason"]), "sent_back"
    ),
    "verify": WebAction(
        F.VerifyForm,
        lambda a, o, d: services.work_order_verify(actor=a, order=o, note=d["note"], photos=d["photos"]),
        "verified",
    ),
    "close": WebAction(
        F.NoteForm, lambda a, o, d: services.work_order_close(actor=a, order=o, note=d["note"]), "closed"
    ),
    "close_unfixed": WebAction(
        F.CloseUnfixedForm,
        lambda a, o, d: services.work_order_close_unfixed(
            actor=a, order=o, resolution=d["resolution"], reason=d["reason"]
        ),
        "closed",
    ),
    "reopen": WebAction(
        F.ReasonForm, lambda a, o, d: services.work_order_reopen(actor=a, order=o, reason=d["reason"]), "reopened"
    ),
}
assert set(WEB_ACTIONS) == set(TRANSITIONS)

DONE_MESSAGES = {
    "accepted": _("Accepted."),
    "dispatched": _("Sent to the responsible party."),
    "reassigned": _("Sent to the other party."),
    "returned": _("Returned to the community office."),
    "started": _("Marked as being fixed."),
    "resolved": _("Reported fixed. The reporter will be asked to check it."),
    "sent_back": _("Sent back to the responsible party."),
    "verified": _("Verified. It can be closed now."),
    "closed": _("Closed."),
    "reopened": _("Reopened. The community office will send it out again."),
}


def _build_form(action: str, order: WorkOrder, *args: Any) -> forms.Form | None:
    spec = WEB_ACTIONS[action]
    if spec.form is None:
        return None
    if action in ("dispatch", "reassign"):
        return spec.form(*args, order=order, prefix=action)
    return spec.form(*args, prefix=action)


def _detail_context(actor: Any, order: WorkOrder, failed: tuple[str, forms.Form] | None = None) -> dict[str, Any]:
    private = can_view_work_order_private(actor, order)
    actions = available_actions(actor, order)
    action_forms = {action: _build_form(action, order) for action in actions}
    if failed is not None:
        action_forms[failed[0]] = failed[1]
    return {
        "order": order,
        "source": _source_link(order),
        "events": work_order_events(order),
        "photos": work_order_photos(order) if private else [],
        "private": private,
        "actions": [(TRANSITIONS[action], action_forms[action]) for action in actions],
        "rate_form": F.RateForm(prefix="rate") if can_rate_work_order(actor, order) else None,
        "manages": can_manage_work_order(actor, order),
    }


def _source_link(order: WorkOrder) -> dict[str, str] | None:
    """The source's name and page, if it has them (e.g. a patrol log of a segment)."""
    if order.source_type is None:
        return None
    model = order.source_type.model_class()
    source = model._default_manager.filter(pk=order.source_id).first() if model is not None else None
    if source is None:
        return None
    url = source.get_absolute_url() if hasattr(source, "get_absolute_url") else ""
    return {"label": str(source), "kind": str(source._meta.verbose_name), "url": url}


@require_safe
def work_order_detail_view(request: HttpRequest, order_id: int) -> HttpResponse:
    actor = request_actor(request)
    order = access_work_order_by_id(actor, order_id)
    return render(request, "workorders/order_detail.html", _detail_context(actor, order))


@require_POST
def work_order_action_view(request: HttpRequest, order_id: int, action: str) -> HttpResponseBase:
    actor = request_actor(request)
    if action not in WEB_ACTIONS:
        raise Http404
    order = access_work_order_by_id(actor, order_id)
    form = _build_form(action, order, request.POST, request.FILES)
    if form is not None and not form.is_valid():
        return render(
            request, "workorders/order_detail.html", _detail_context(actor, order, (action, form)), status=400
        )
    try:
        WEB_ACTIONS[action].run(actor, order, form.cleaned_data if form is not None else {})
    except ValidationError as exc:
        if form is None:
            raise
        form_add_errors(form, exc)
        return render(
            request, "workorders/order_detail.html", _detail_context(actor, order, (action, form)), status=400
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("workorders:detail", order_id=order.pk)
    messages.success(request, DONE_MESSAGES[WEB_ACTIONS[action].done])
    return redirect("workorders:detail", order_id=order.pk)


@require_POST
def work_order_rate_view(request: HttpRequest, order_id: int) -> HttpResponseBase:
    """The reporter answers "is it fixed?" and how satisfied they are."""
    actor = request_actor(request)
    order = access_work_order_by_id(actor, order_id)
    form = F.RateForm(request.POST, prefix="rate")
    if not form.is_valid():
        context = _detail_context(actor, order)
        context["rate_form"] = form
        return render(request, "workorders/order_detail.html", context, status=400)
    try:
        services.work_order_rate(actor=actor, order=order, **form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if form.cleaned_data["fixed"]:
            messages.success(request, _("Thank you for your answer."))
        else:
            messages.warning(request, _("Thank you. If it is not fixed, reopen it below and say what is wrong."))
    return redirect("workorders:detail", order_id=order.pk)


@require_safe
def work_order_photo_view(request: HttpRequest, photo_uuid: str) -> HttpResponseBase:
    """A photo of an order, for those who may see its private parts; never a public media URL."""
    photo = access_photo_by_uuid(request_actor(request), str(photo_uuid))
    return photo_response(file_name=photo.file_name, content_type=photo.content_type, photo_uuid=photo.uuid)


# --- street settings ------------------------------------------------------------------------------


def _managed_street(actor: Any) -> OrgUnit:
    if not can_manage_street_settings(actor):
        raise PermissionDenied(_("Only the street administration may do this."))
    paths = [path for path in street_paths_managed_by(actor) if path]
    street = OrgUnit.objects.filter(path__in=paths, kind=OrgUnit.Kind.STREET).order_by("path").first()
    if street is None:
        raise PermissionDenied(_("Only the street administration may do this."))
    return street


@require_http_methods(["GET", "HEAD", "POST"])
def open311_clients_view(request: HttpRequest) -> HttpResponse:
    """Street administration: the Open311 clients and their keys (issue one; a key is shown once)."""
    actor = request_actor(request)
    street = _managed_street(actor)
    communities = [
        (unit.pk, unit.name)
        for unit in OrgUnit.objects.filter(parent=street, kind=OrgUnit.Kind.COMMUNITY, is_active=True).order_by("path")
    ]
    form = F.Open311ClientForm(request.POST or None, communities=communities)
    new_key = ""
    if request.method == "POST" and form.is_valid():
        try:
            _client, new_key = services.open311_client_issue(
                actor=actor,
                street=street,
                name=form.cleaned_data["name"],
                default_community=OrgUnit.objects.get(pk=form.cleaned_data["default_community"]),
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            form = F.Open311ClientForm(communities=communities)
    response = render(
        request,
        "workorders/open311_clients.html",
        {"form": form, "clients": open311_client_list(actor), "new_key": new_key, "street": street},
        status=400 if request.method == "POST" and form.errors else 200,
    )
    response["Cache-Control"] = "no-store"  # the page may show a new key once
    return response


@require_POST
def open311_client_revoke_view(request: HttpRequest, client_id: int) -> HttpResponseBase:
    actor = request_actor(request)
    client = open311_client_list(actor).filter(pk=client_id).first()
    if client is None:
        raise Http404
    try:
        services.open311_client_revoke(actor=actor, client=client)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The key was revoked; requests with it are refused from now on."))
    return redirect("workorders:open311_clients")


@require_http_methods(["GET", "HEAD", "POST"])
def department_list_view(request: HttpRequest) -> HttpResponse:
    """Street administration: the external departments orders can be sent to."""
    actor = request_actor(request)
    street = _managed_street(actor)
    form = F.DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.department_save(actor=actor, street=street, **form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("workorders:departments")
    departments = department_list_of_street(street)
    return render(
        request,
        "workorders/departments.html",
        {"form": form, "departments": departments, "street": street},
        status=400 if request.method == "POST" and form.errors else 200,
    )
