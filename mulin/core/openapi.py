"""The OpenAPI schema as a third-party client needs it, for every operation of every module.

drf-spectacular reads the views; what it cannot know, or gets wrong for a client, is fixed here
once, so that a module added later gets it without per-view edits (issue 9, item 9):

- `AutoSchema`: a read-only choice field whose model column may be blank says so ("" is a value
  the client will receive; DRF drops `allow_blank` from read-only fields).
- `postprocess_schema` (a POSTPROCESSING_HOOK, after the enum hook):
  * a request body is JSON only, unless it carries a file, then multipart only (publishing one
    schema under both made generated clients send neither);
  * a `default: ""` that the field's own schema refuses (an e-mail, an enum, a pattern) is dropped;
  * a decimal pattern requires at least one digit (DRF's `^-?\\d{0,3}(?:\\.\\d{0,1})?$` accepts "");
  * every operation declares the error statuses it can answer, with the error body of
    `mulin.core.api.exception_handler`, unless the view declared that status itself.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from drf_spectacular import openapi
from rest_framework import serializers

ERROR_COMPONENT = "Error"
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every refusal: a message in the caller's language, a stable code, and field errors if any.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {}, "description": "Messages keyed by field name."},
    },
    "required": ["detail", "code"],
}
ERROR_DESCRIPTIONS = {
    "400": "The request has invalid fields or parameters; nothing was changed.",
    "401": "Not signed in, or the token has expired or was revoked.",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such record, or not in the caller's scope (the same answer for both).",
    "409": "The record changed meanwhile, or the action does not fit its current state; nothing was changed.",
    "413": "The upload is too large.",
    "415": "The body is not in a media type this operation accepts.",
}
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
JSON = "application/json"
MULTIPART = "multipart/form-data"
# DRF's decimal pattern: optional sign, up to N integer digits, optional fraction of up to M digits.
_DECIMAL_PATTERN = re.compile(r"^\^-\?\\d\{0,(\d+)\}\(\?:\\\.\\d\{0,(\d+)\}\)\?\$$")


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema, telling the truth about blank choices in responses."""

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> Any:
        if (
            isinstance(field, serializers.ChoiceField)
            and field.read_only
            and not field.allow_blank
            and "" not in field.choices
            and _model_field_is_blank(field)
        ):
            field = copy.copy(field)
            field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)


def _model_field_is_blank(field: serializers.Field) -> bool:
    parent = getattr(field, "parent", None)
    model = getattr(getattr(parent, "Meta", None), "model", None)
    source = getattr(field, "source", "") or ""
    if model is None or not source or "." in source or source == "*":
        return False
    try:
        model_field = model._meta.get_field(source)
    except Exception:  # not a model column (a property, an annotation)
        return False
    return bool(getattr(model_field, "blank", False))


def postprocess_schema(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.setdefault(ERROR_COMPONENT, ERROR_SCHEMA)
    for path_item in result.get("paths", {}).values():
        path_parameters = [p for p in path_item.get("parameters", []) if p.get("in") == "path"]
        for method, operation in path_item.items():
            if method not in {"get", "put", "post", "delete", "options", "head", "patch", "trace"}:
                continue
            _one_media_type(operation, schemas)
            _declare_errors(method, operation, bool(path_parameters), schemas)
    _walk(result, _fix_schema)
    return result


def _resolve(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        resolved: dict[str, Any] = schemas.get(ref.rsplit("/", 1)[-1], {})
        return resolved
    return schema


def _has_binary(schema: Any, schemas: dict[str, Any], seen: frozenset[str] = frozenset()) -> bool:
    if isinstance(schema, list):
        return any(_has_binary(item, schemas, seen) for item in schema)
    if not isinstance(schema, dict):
        return False
    ref = schema.get("$ref")
    if isinstance(ref, str):
        if ref in seen:
            return False
        return _has_binary(_resolve(schema, schemas), schemas, seen | {ref})
    if schema.get("format") == "binary":
        return True
    return any(_has_binary(value, schemas, seen) for value in schema.values() if isinstance(value, dict | list))


def _one_media_type(operation: dict[str, Any], schemas: dict[str, Any]) -> None:
    content = operation.get("requestBody", {}).get("content")
    if not content:
        return
    binary = any(_has_binary(media.get("schema", {}), schemas) for media in content.values())
    keep = MULTIPART if binary else JSON
    if keep in content:
        operation["requestBody"]["content"] = {keep: content[keep]}


def _declare_errors(method: str, operation: dict[str, Any], has_path_parameters: bool, schemas: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    # drf-spectacular writes no `security` for an operation open to anyone (auth=[]).
    secured = any(requirement for requirement in operation.get("security", []))
    has_body = bool(operation.get("requestBody"))
    has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
    has_path = has_path_parameters or any(p.get("in") == "path" for p in operation.get("parameters", []))
    content = operation.get("requestBody", {}).get("content", {})
    statuses = []
    if has_body or has_query:
        statuses.append("400")
    if secured:
        statuses += ["401", "403"]
    if has_path:
        statuses.append("404")
    if method in WRITE_METHODS and secured:
        statuses.append("409")
    if MULTIPART in content:
        statuses.append("413")
    if has_body:
        statuses.append("415")
    for status, response in responses.items():
        # A view that declares an error status with a description only gets the error body.
        if status.startswith(("4", "5")) and not response.get("content"):
            response["content"] = {JSON: {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}}
    for status in statuses:
        responses.setdefault(
            status,
            {
                "description": ERROR_DESCRIPTIONS[status],
                "content": {JSON: {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}},
            },
        )
    operation["responses"] = dict(sorted(responses.items()))


def _walk(node: Any, fix: Any) -> None:
    if isinstance(node, dict):
        fix(node)
        for value in node.values():
            _walk(value, fix)
    elif isinstance(node, list):
        for item in node:
            _walk(item, fix)


def _fix_schema(node: dict[str, Any]) -> None:
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        match = _DECIMAL_PATTERN.match(pattern)
        if match:
            whole, fraction = match.groups()
            node["pattern"] = rf"^-?(?:\d{{1,{whole}}}(?:\.\d{{0,{fraction}}})?|\.\d{{1,{fraction}}})$"
    if node.get("default") == "" and _refuses_blank(node):
        del node["default"]


def _refuses_blank(schema: dict[str, Any]) -> bool:
    if "format" in schema or schema.get("minLength", 0) >= 1:
        return True
    if "enum" in schema and "" not in schema["enum"]:
        return True
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        try:
            return re.search(pattern, "") is None
        except re.error:
            return True
    return False
