"""The inbox and notification settings pages; each shows only the signed-in person's own rows."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mulin.notifications import registry
from mulin.notifications.models import NotificationPreference
from mulin.notifications.selectors import notification_list_for, preference_matrix
from mulin.notifications.services import notification_mark_read, preferences_set


def _person(request: HttpRequest):  # type: ignore[no-untyped-def]
    person = request.actor.person  # type: ignore[attr-defined]
    if person is None:
        raise PermissionDenied(_("This account is not linked to a person."))
    return person


@require_safe
def inbox_view(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    page = Paginator(notification_list_for(person), 20).get_page(request.GET.get("page"))
    items = [(n, registry.get(n.kind).render_title(n.params), registry.get(n.kind).render_body(n.params)) for n in page]
    return render(request, "notifications/inbox.html", {"page": page, "items": items})


@require_POST
def mark_read_view(request: HttpRequest) -> HttpResponse:
    notification_mark_read(person=_person(request))
    return redirect("notifications:inbox")


@require_http_methods(["GET", "POST"])
def preferences_view(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    channels = NotificationPreference.Channel.values
    if request.method == "POST":
        # A checkbox left unticked is simply absent from the form, so every kind is read.
        choices = {
            (kind.key, channel): request.POST.get(f"{kind.key}:{channel}") == "on"
            for kind in registry.kinds_for(request.actor)  # type: ignore[attr-defined]
            for channel in channels
        }
        preferences_set(person=person, choices=choices)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    rows = preference_matrix(person, request.actor)  # type: ignore[attr-defined]
    labels = dict(NotificationPreference.Channel.choices)
    for row in rows:  # screen readers hear the channel's name in the reader's language
        row["cells"] = [(channel, labels[channel], on) for channel, on in row["states"].items()]
    return render(
        request,
        "notifications/preferences.html",
        {
            "rows": rows,
            "channels": NotificationPreference.Channel.choices,
        },
    )
