"""Import and export of people in the browser. Thin: parse the form, call one service, render."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mulin.core.exceptions import ApplicationError
from mulin.core.spreadsheets import XLSX_CONTENT_TYPE
from mulin.organizations.exports import can_export_people, can_export_people_in_full, people_export
from mulin.organizations.imports import people_import, people_import_template, template_filename
from mulin.organizations.middleware import request_actor
from mulin.organizations.models import OrgUnit
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import orgunit_list_where

K = OrgUnit.Kind
REPORT_ROWS_SHOWN = 500  # the API returns every error; a page stays readable on a phone


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class ExportForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Only people of"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=gettext_lazy("Everyone you may see"),
    )
    full = forms.BooleanField(required=False)

    def __init__(self, *args, units=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if units is not None:
            cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units


def _export_units(actor: Actor):  # type: ignore[no-untyped-def]
    return orgunit_list_where(actor, Capability.PEOPLE_VIEW, kinds=[K.COMMUNITY, K.COMPOUND, K.BRANCH])


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
def people_import_view(request: HttpRequest) -> HttpResponse:
    """The import page: template, upload and its report; and the export buttons."""
    actor = request_actor(request)
    can_import = actor.can_anywhere(Capability.PEOPLE_MANAGE)
    if not (can_import or can_export_people(actor)):
        raise PermissionDenied(_("You may not import or export people."))
    form, report = ImportForm(), None
    if request.method == "POST":
        if not can_import:
            raise PermissionDenied(_("You may not import people."))
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = people_import(actor=actor, upload=upload, filename=upload.name)
            except ApplicationError as exc:
                form.add_error("file", exc.message)
    context = {
        "form": form,
        "report": report,
        "shown_errors": report.errors[:REPORT_ROWS_SHOWN] if report else [],
        "can_import": can_import,
        "can_export": can_export_people(actor),
        "can_export_full": can_export_people_in_full(actor),
        "export_form": ExportForm(units=_export_units(actor)) if can_export_people(actor) else None,
        "max_rows": REPORT_ROWS_SHOWN,
    }
    return render(request, "organizations/people_import.html", context, status=400 if form.errors else 200)


@require_GET
def people_import_template_view(request: HttpRequest) -> HttpResponse:
    return _attachment(people_import_template(actor=request_actor(request)), template_filename(), XLSX_CONTENT_TYPE)


@require_POST
def people_export_view(request: HttpRequest) -> HttpResponse:
    """Download the visible people as .xlsx (POST: an export is audited and must not be
    triggered by a prefetch or a link on another site)."""
    actor = request_actor(request)
    if not can_export_people(actor):
        raise PermissionDenied(_("You may not export the list of people."))
    form = ExportForm(request.POST, units=_export_units(actor))
    if not form.is_valid():
        raise Http404  # a unit outside the actor's scope: "not yours" looks like "not there"
    try:
        export = people_export(actor=actor, full=form.cleaned_data["full"], unit=form.cleaned_data["unit"])
    except ApplicationError as exc:  # too many exports this hour, or the counter is unreachable
        messages.error(request, exc.message)
        return redirect("organizations:import")
    return _attachment(export.content, export.filename, export.content_type)
