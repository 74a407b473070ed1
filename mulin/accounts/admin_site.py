"""The Django admin, for system administrators only and only after the second factor."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from mulin.accounts.policy import second_factor_required


class MulinAdminSite(admin.AdminSite):
    site_header = _("Mulin administration")
    site_title = _("Mulin")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return bool(user.is_verified()) or not second_factor_required(user)  # type: ignore[attr-defined,arg-type]

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:  # type: ignore[override,type-arg]
        return redirect_to_login(request.get_full_path())
