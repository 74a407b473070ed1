"""REST endpoints to import people from a spreadsheet and to export them as .xlsx."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers, serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mulin.core.parsers import MultiPartParser
from mulin.core.spreadsheets import XLSX_CONTENT_TYPE
from mulin.organizations.exports import people_export
from mulin.organizations.imports import ImportReport, people_import
from mulin.organizations.middleware import ActorMixin
from mulin.organizations.permissions import access_orgunit_by_id
from mulin.organizations.roles import Capability


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="An .xlsx or .csv file in the format of the import template.")


class ImportRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Row number as the spreadsheet program shows it.")
    column = serializers.CharField(help_text="The column header as written in the file.")
    field = serializers.CharField(help_text="The column's key, e.g. phone or id_number.")
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(help_text="imported")
    rows = serializers.IntegerField(help_text="Data rows read from the file.")
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    row_errors = ImportRowErrorSerializer(many=True)
    ignored_columns = serializers.ListField(child=serializers.CharField())


class ImportRefusedSerializer(serializers.Serializer):
    """Nothing was imported: bad rows (code invalid_rows, with the report fields) or a file
    refused as a whole (another code, detail only)."""

    detail = serializers.CharField()
    code = serializers.CharField(help_text="invalid_rows, or why the file was refused (e.g. not_xlsx, too_many_rows).")
    rows = serializers.IntegerField(required=False)
    created = serializers.IntegerField(required=False)
    updated = serializers.IntegerField(required=False)
    unchanged = serializers.IntegerField(required=False)
    row_errors = ImportRowErrorSerializer(many=True, required=False)
    ignored_columns = serializers.ListField(child=serializers.CharField(), required=False)
    # DRF's metaclass moves declared fields off the class, so this does not hide Serializer.errors.
    errors = serializers.DictField(  # type: ignore[assignment]
        required=False, help_text="Request field errors, e.g. no file sent."
    )


class ApiErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class _JsonForErrors(BaseContentNegotiation):
    """The export answers a workbook built outside DRF's renderers; errors are always JSON,
    whatever the client's Accept header says (instead of 406)."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class ExportQuerySerializer(serializers.Serializer):
    full = serializers.BooleanField(
        required=False, default=False, help_text="Unmasked values (needs the reveal permission; audited)."
    )
    q = serializers.CharField(required=False, allow_blank=True, max_length=50, default="", help_text="Part of a name.")
    unit = serializers.IntegerField(required=False, help_text="Only people of this community, compound or branch.")


def _report_body(report: ImportReport) -> dict[str, Any]:
    return {
        "detail": report.summary,
        "code": "imported" if report.ok else "invalid_rows",
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "row_errors": [
            {"row": error.row, "column": error.column, "field": error.field, "message": error.message}
            for error in report.errors
        ],
        "ignored_columns": report.ignored_columns,
    }


class PeopleImportApi(ActorMixin, APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="Import people from a spreadsheet",
        description=(
            "All rows or none: when any row is bad, nothing changes and the answer is 400 with every bad row. "
            "Importing the same file again changes nothing. Needs the people-management permission."
        ),
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            200: ImportReportSerializer,
            400: OpenApiResponse(ImportRefusedSerializer, description="Bad rows or a refused file; nothing changed."),
            403: ApiErrorSerializer,
            409: ApiErrorSerializer,
            413: ApiErrorSerializer,
        },
    )
    def post(self, request: Request) -> Response:
        if not self.actor.can_anywhere(Capability.PEOPLE_MANAGE):  # before the upload is even parsed
            raise PermissionDenied(_("You may not import people."))
        serializer = ImportUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        report = people_import(actor=self.actor, upload=upload, filename=upload.name)
        return Response(_report_body(report), status=200 if report.ok else 400)


class PeopleExportApi(ActorMixin, APIView):
    renderer_classes = [renderers.JSONRenderer]
    content_negotiation_class = _JsonForErrors

    @extend_schema(
        summary="Export people as .xlsx",
        description=(
            "The people visible to the caller, masked unless full=true. Every export is audited; "
            "at most MULIN_EXPORT_RATE_PER_HOUR (default 10) per account per hour, then 429."
        ),
        parameters=[ExportQuerySerializer],
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The workbook."),
            (400, "application/json"): ApiErrorSerializer,
            (403, "application/json"): ApiErrorSerializer,
            (404, "application/json"): ApiErrorSerializer,
            (429, "application/json"): ApiErrorSerializer,
        },
    )
    def get(self, request: Request) -> HttpResponse:
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        unit = access_orgunit_by_id(self.actor, params["unit"]) if params.get("unit") is not None else None
        export = people_export(actor=self.actor, full=params["full"], query=params["q"], unit=unit)
        response = HttpResponse(export.content, content_type=export.content_type)
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        return response
