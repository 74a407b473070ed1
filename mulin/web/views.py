"""The shell: home page, profile, display preferences and the audit log page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import set_language

from mulin.accounts.ratelimit import network_failure_limit
from mulin.accounts.selectors import lockout_list_active, network_limits_active
from mulin.accounts.services import totp_device_confirmed
from mulin.core import attention
from mulin.core.audit import audit_verify_chain
from mulin.core.masking import mask_address, mask_id_number, mask_name, mask_phone
from mulin.organizations.models import Person
from mulin.organizations.roles import Capability
from mulin.organizations.selectors import person_roles
from mulin.organizations.services import lockout_clear, network_limit_lift, person_language_set
from mulin.web.audit_log import AuditFilterForm, audit_events_filtered, audit_rows
from mulin.web.middleware import TEXT_SIZE_COOKIE


@require_safe
def home_view(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    return render(
        request,
        "web/home.html",
        {"attention_items": attention.items_for(actor), "roles": person_roles(actor.person) if actor.person else []},
    )


@require_safe
def profile_view(request: HttpRequest) -> HttpResponse:
    person = request.actor.person  # type: ignore[attr-defined]
    if person is None:
        raise PermissionDenied(_("This account is not linked to a person."))
    context = {
        "person": person,
        "masked": {
            "phone": mask_phone(person.phone),
            "id_number": mask_id_number(person.id_number),
            "address": mask_address(person.address),
        },
        "roles": person_roles(person),
        "membership": getattr(person, "party_membership", None),
        "volunteer": getattr(person, "volunteer_profile", None),
        "can_reveal": True,  # everyone may see their own data in full (and the reveal is still audited)
        "has_totp": totp_device_confirmed(request.user) is not None,  # type: ignore[arg-type]
    }
    return render(request, "web/profile.html", context)


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next", "/")
    if url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=request.is_secure()):
        return candidate
    return "/"


@login_not_required
@require_POST
def text_size_view(request: HttpRequest) -> HttpResponse:
    response = HttpResponseRedirect(_safe_next(request))
    size = "large" if request.POST.get("size") == "large" else "normal"
    response.set_cookie(
        TEXT_SIZE_COOKIE,
        size,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@login_not_required
@require_POST
def set_language_view(request: HttpRequest) -> HttpResponse:
    """Switch the language (a cookie, so it works before sign-in); a signed-in person's choice is
    also stored, so e-mails and text messages reach them in it."""
    response = set_language(request)
    person = request.actor.person  # type: ignore[attr-defined]
    language = request.POST.get("language", "")
    if person is not None and language in dict(settings.LANGUAGES):
        person_language_set(actor=request.actor, person=person, language=language)  # type: ignore[attr-defined]
    return response


@require_safe
def audit_log_view(request: HttpRequest) -> HttpResponse:
    """The audit administrator's read-only view of the log, with a chain check on demand."""
    actor = request.actor  # type: ignore[attr-defined]
    if not actor.can_anywhere(Capability.AUDIT_VIEW):
        raise PermissionDenied(_("Only the audit administrator can read the audit log."))
    form = AuditFilterForm(request.GET or None)
    page = Paginator(audit_events_filtered(form), 50).get_page(request.GET.get("page"))
    rows = audit_rows(list(page.object_list))
    chain = audit_verify_chain() if request.GET.get("verify") == "1" else None
    return render(request, "web/audit_log.html", {"page": page, "rows": rows, "form": form, "chain": chain})


@require_safe
def lockouts_view(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if not actor.can_anywhere(Capability.SECURITY_MANAGE):
        raise PermissionDenied(_("Only the security administrator can see lockouts."))
    attempts = list(lockout_list_active()[:200])
    names = dict(
        Person.objects.filter(phone_index__in=[a.username for a in attempts]).values_list("phone_index", "full_name")
    )
    rows = [(attempt, mask_name(names.get(attempt.username, ""))) for attempt in attempts]
    context = {"rows": rows, "networks": network_limits_active(), "network_limit": network_failure_limit()}
    return render(request, "web/lockouts.html", context)


@require_POST
def lockout_clear_view(request: HttpRequest, attempt_id: int) -> HttpResponse:
    lockout_clear(actor=request.actor, attempt_id=attempt_id)  # type: ignore[attr-defined]
    messages.success(request, _("The lockout has been lifted."))
    return redirect("web:lockouts")


@require_POST
def network_limit_lift_view(request: HttpRequest) -> HttpResponse:
    try:
        network_limit_lift(actor=request.actor, address=request.POST.get("address", ""))  # type: ignore[attr-defined]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Sign-in from this network is open again."))
    return redirect("web:lockouts")


def handler_404(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def handler_403(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", {"exception": exception}, status=403)
