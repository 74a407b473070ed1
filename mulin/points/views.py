"""Service points in the browser: my balance and history, certificates, the public verify page,
staff corrections and the rules page. Thin: parse, call one selector or service, render."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mulin.core.concurrency import version_token
from mulin.core.exceptions import ApplicationError
from mulin.core.masking import mask_name
from mulin.core.views import keyset_before, versioned_row_save
from mulin.organizations.middleware import request_actor
from mulin.organizations.roles import Capability
from mulin.organizations.selectors import person_list_visible_to
from mulin.points.forms import CorrectionForm, RuleForm, VerifyForm
from mulin.points.models import PointRule
from mulin.points.permissions import (
    access_certificate_by_number,
    access_entry_by_id,
    access_ledger_person_by_id,
    can_correct_entry,
    can_manage_rules,
)
from mulin.points.selectors import (
    certificate_get_by_number,
    certificate_list_for,
    ledger_history,
    ledger_years,
    points_balance,
    rule_list,
)
from mulin.points.services import certificate_issue, points_correct, rule_update

PAGE = 25


def _ledger_context(request: HttpRequest, person) -> dict:  # type: ignore[no-untyped-def]
    entries = ledger_history(person, before=keyset_before(request), limit=PAGE + 1)
    return {
        "person": person,
        "entries": entries[:PAGE],
        "next_before": entries[PAGE - 1].pk if len(entries) > PAGE else None,
    }


@require_safe
def points_mine_view(request: HttpRequest) -> HttpResponse:
    person = request_actor(request).person
    if person is None:
        raise PermissionDenied(_("This account is not linked to a person."))
    context = _ledger_context(request, person)
    if request.htmx and request.GET.get("before"):  # type: ignore[attr-defined]
        return render(request, "points/_entries.html", context)
    context.update(
        balance=points_balance(person),
        years=ledger_years(person),
        certificates=certificate_list_for(person),
        is_member=hasattr(person, "party_membership"),
    )
    return render(request, "points/points_mine.html", context)


@require_safe
def points_person_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """Points staff: one person's ledger with a correction form beside each entry they may correct."""
    actor = request_actor(request)
    person = access_ledger_person_by_id(actor, person_id)
    context = _ledger_context(request, person)
    context.update(
        balance=points_balance(person),
        correctable={entry.pk for entry in context["entries"] if can_correct_entry(actor, entry)},
        form=CorrectionForm(),
    )
    return render(request, "points/points_person.html", context)


@require_safe
def points_people_view(request: HttpRequest) -> HttpResponse:
    """Points staff look a person up by name (people in their scope only)."""
    actor = request_actor(request)
    if not actor.can_anywhere(Capability.POINTS_MANAGE):
        raise PermissionDenied(_("You may not look up other people's points."))
    query = request.GET.get("q", "").strip()[:50]
    people = (
        person_list_visible_to(actor, Capability.POINTS_MANAGE)
        .filter(full_name__contains=query)
        .order_by("full_name")[:30]
        if query
        else []
    )
    return render(request, "points/points_people.html", {"query": query, "people": people})


@require_POST
def entry_correct_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    actor = request_actor(request)
    entry = access_entry_by_id(actor, entry_id)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            points_correct(actor=actor, entry=entry, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The correction has been booked."))
    else:
        messages.error(request, _("Enter the points, the hours and a reason."))
    return redirect("points:person", person_id=entry.person_id)


@require_POST
def certificate_issue_view(request: HttpRequest, year: int) -> HttpResponse:
    actor = request_actor(request)
    person = actor.person
    if request.POST.get("person"):
        person = access_ledger_person_by_id(
            actor, int(request.POST["person"]) if request.POST["person"].isdigit() else 0
        )
    if person is None:
        raise PermissionDenied(_("This account is not linked to a person."))
    try:
        certificate = certificate_issue(actor=actor, person=person, year=year)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("points:mine")
    return redirect("points:certificate", number=certificate.number)


@require_safe
def certificate_view(request: HttpRequest, number: str) -> HttpResponse:
    certificate = access_certificate_by_number(request_actor(request), number)
    verify_url = request.build_absolute_uri(reverse("points:verify") + f"?number={certificate.number}")
    qr = segno.make(verify_url, error="m")
    return render(
        request,
        "points/certificate.html",
        {"certificate": certificate, "verify_url": verify_url, "qr_data_uri": qr.svg_data_uri(scale=3)},
    )


@login_not_required
@require_safe
def certificate_verify_view(request: HttpRequest) -> HttpResponse:
    """Public: anyone holding a certificate number may check it (a school, an employer). Shows the
    holder's masked name and the totals only."""
    form = VerifyForm(request.GET or None)
    certificate = None
    checked = False
    if form.is_valid():
        checked = True
        certificate = certificate_get_by_number(form.cleaned_data["number"])
    return render(
        request,
        "points/verify.html",
        {
            "form": form,
            "checked": checked,
            "certificate": certificate,
            "masked_name": mask_name(certificate.person.full_name) if certificate else "",
        },
    )


@require_safe
def rules_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not can_manage_rules(actor):
        raise PermissionDenied(_("Only the street administration may change the points rules."))
    return _rules_page(request)


def _rules_page(request: HttpRequest, status: int = 200) -> HttpResponse:
    rules = [
        (rule, RuleForm(initial={**rule.__dict__, "version": version_token(rule)}, prefix=f"rule{rule.pk}"))
        for rule in rule_list()
    ]
    return render(request, "points/rules.html", {"rules": rules}, status=status)


@require_POST
def rule_update_view(request: HttpRequest, rule_id: int) -> HttpResponse:
    actor = request_actor(request)
    if not can_manage_rules(actor):
        raise PermissionDenied(_("Only the street administration may change the points rules."))
    rule = get_object_or_404(PointRule, pk=rule_id)
    return versioned_row_save(
        request,
        RuleForm(request.POST, prefix=f"rule{rule.pk}"),
        save=lambda **changes: rule_update(actor=actor, rule=rule, **changes),
        saved=_("The rule has been saved. Entries already booked keep their amounts."),
        invalid=_("Check the numbers: they cannot be negative."),
        back="points:rules",
        conflict_page=lambda status: _rules_page(request, status=status),
    )
