"""Floors (shared/reference/performance.md §6.2), measured in the same run as the scenarios.

F1: a constant response through the full middleware stack, as a signed-in user (the
    denominator of every ratio). Not exempt from anything: login required, sessions saved,
    CSRF, locale, messages, OTP, the actor, CSP, axes.
F3: F1 plus 25 rows fetched and rendered in the real base template (a Fortunes-like page).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import engines
from django.views.decorators.http import require_safe

from mulin.organizations.models import OrgUnit

ROWS_TEMPLATE = engines["django"].from_string(
    """{% extends "base.html" %}{% block title %}Floor F3{% endblock %}{% block content %}
<section class="card"><h1>F3</h1><table><thead><tr><th>#</th><th>name</th><th>kind</th><th>path</th></tr></thead>
<tbody>{% for unit in units %}<tr><td>{{ forloop.counter }}</td><td>{{ unit.name }}</td><td>{{ unit.kind }}</td>
<td>{{ unit.path }}</td></tr>{% endfor %}</tbody></table></section>{% endblock %}"""
)


@require_safe
def floor_constant_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@require_safe
def floor_rows_view(request: HttpRequest) -> HttpResponse:
    units = list(OrgUnit.objects.order_by("path").values("name", "kind", "path")[:25])
    return HttpResponse(ROWS_TEMPLATE.render({"units": units}, request))


__all__ = ["floor_constant_view", "floor_rows_view", "render"]
