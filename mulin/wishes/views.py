"""The wish wall in the browser. Thin: parse, call one selector or service, render. Buttons are
shown by the same predicates the services enforce."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mulin.core.concurrency import version_token
from mulin.core.exceptions import ApplicationError
from mulin.core.forms import form_add_errors
from mulin.core.idempotency import fingerprint, form_key_to_show, key_from_request, run_once
from mulin.core.photos import photo_response
from mulin.core.views import keyset_before, keyset_page, versioned_row_save
from mulin.organizations.middleware import request_actor
from mulin.organizations.permissions import access_person_by_id
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import person_search
from mulin.wishes.actions import WISH_ACTIONS, wish_available_actions
from mulin.wishes.forms import (
    STATUS_GROUPS,
    CategoryForm,
    NewCategoryForm,
    PersonSearchForm,
    WallFilterForm,
    WishForm,
)
from mulin.wishes.models import Wish, WishCategory, WishSuggestion
from mulin.wishes.permissions import (
    access_photo_by_uuid,
    access_wish_by_id,
    can_enter_wish_for,
    can_manage_categories,
    can_moderate_wish,
    can_post_wish,
    can_view_wish_contact,
    can_view_wish_private,
)
from mulin.wishes.selectors import (
    CARD_FIELDS,
    category_list,
    wall_filter_choices,
    wish_events,
    wish_list_claimed_by,
    wish_list_entered_by,
    wish_list_for_helper,
    wish_list_posted_by,
    wish_list_to_confirm_for,
    wish_list_to_review,
    wish_list_visible_to,
    wish_photos,
)
from mulin.wishes.services import category_save, wish_contact_reveal, wish_submit
from mulin.wishes.stats import wish_stats


@require_safe
def wall_view(request: HttpRequest) -> HttpResponse:
    """The public wall: wishes of the actor's street, newest first, filterable, 25 at a time."""
    actor = request_actor(request)
    if not actor.can_anywhere(Capability.WISH_VIEW):
        raise PermissionDenied(_("You may not see the wish wall."))
    communities, categories = wall_filter_choices(actor)
    form = WallFilterForm(request.GET or None, communities=communities, categories=categories)
    show, community_id, category_id = "open", None, None
    if form.is_valid():
        show = form.cleaned_data["show"] or "open"
        community_id, category_id = form.cleaned_data["community"], form.cleaned_data["category"]
    wishes, next_url = keyset_page(
        request,
        wish_list_visible_to(
            actor,
            statuses=STATUS_GROUPS[show],
            community_id=community_id,
            category_id=category_id,
            before=keyset_before(request),
        ).only(*CARD_FIELDS),
    )
    context = {"wishes": wishes, "next_url": next_url, "form": form, "show": show}
    if request.htmx and keyset_before(request):  # type: ignore[attr-defined]
        return render(request, "wishes/_wish_cards.html", context)
    context["can_post"] = can_post_wish(actor)
    context["can_enter"] = actor.can_anywhere(Capability.WISH_MODERATE)
    return render(request, "wishes/wall.html", context)


@require_safe
def wish_detail_view(request: HttpRequest, wish_id: int) -> HttpResponse:
    actor = request_actor(request)
    return _detail_page(request, actor, access_wish_by_id(actor, wish_id))


def _detail_page(
    request: HttpRequest, actor: Actor, wish: Wish, *, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    """The wish page; `bound` holds an action's form as it was sent, with its errors."""
    private = can_view_wish_private(actor, wish)
    actions = wish_available_actions(actor, wish)
    bound = bound or {}
    action_forms = {
        name: bound[name] if name in bound else action.form()
        for name, action in WISH_ACTIONS.items()
        if name in actions and action.form is not None
    }
    suggestions: list[WishSuggestion] = []
    if can_moderate_wish(actor, wish):
        suggestions = list(wish.suggestions.select_related("person").order_by("-score", "id")[:5])
    return render(
        request,
        "wishes/wish_detail.html",
        {
            "wish": wish,
            "events": wish_events(wish),
            "photos": wish_photos(wish) if private else [],
            "private": private,
            "actions": actions,
            "forms": action_forms,
            "can_view_contact": can_view_wish_contact(actor, wish),
            "suggestions": suggestions,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def wish_create_view(request: HttpRequest) -> HttpResponse:
    """A resident posts a wish; community staff enter one for an offline resident (?for=<person>)."""
    actor = request_actor(request)
    wisher = None
    if request.GET.get("for"):
        if not request.GET["for"].isdigit():
            raise Http404
        wisher = access_person_by_id(actor, int(request.GET["for"]))
        if not can_enter_wish_for(actor, wisher):
            raise PermissionDenied(_("You may enter wishes only for residents of your community."))
    elif not can_post_wish(actor):
        if actor.can_anywhere(Capability.WISH_MODERATE):
            return redirect("wishes:enter")
        raise PermissionDenied(_("You may not post a wish: your home is not on record."))
    person = wisher or actor.person
    assert person is not None  # the wisher was found, or the actor may post (so has a person)
    form = WishForm(
        request.POST or None,
        request.FILES or None,
        categories=category_list(),
        on_behalf=wisher is not None,
        initial={"shows_full_name": person.shows_full_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            # A double click or a resubmitted page posts the same one-time key: one wish.
            outcome = run_once(
                owner_id=request.user.pk,
                key=key_from_request(request),
                fingerprint=fingerprint(request, request.POST),
                work=lambda: wish_submit(actor=actor, wisher=wisher, **form.cleaned_data),
            )
        except (ValidationError, ApplicationError) as exc:
            form_add_errors(form, exc)
        else:
            if outcome.replayed:
                messages.info(request, _("This wish had already been sent; here it is."))
            else:
                messages.success(
                    request, _("Thank you. The community office will verify your wish and put it on the wall.")
                )
            return redirect("wishes:detail", wish_id=int(outcome.target_id))
    context = {"form": form, "wisher": wisher, "idempotency_key": form_key_to_show(request)}
    return render(request, "wishes/wish_form.html", context)


@require_safe
def wish_enter_view(request: HttpRequest) -> HttpResponse:
    """Staff find the offline resident a wish is for (people of their community only)."""
    actor = request_actor(request)
    if not actor.can_anywhere(Capability.WISH_MODERATE):
        raise PermissionDenied(_("Only community staff enter wishes for residents."))
    form = PersonSearchForm(request.GET or None)
    people = []
    if form.is_valid() and form.cleaned_data["q"]:
        people = [p for p in person_search(actor, query=form.cleaned_data["q"])[:20] if can_enter_wish_for(actor, p)]
    return render(request, "wishes/wish_enter.html", {"form": form, "people": people})


@require_POST
def wish_action_view(request: HttpRequest, wish_id: int, action: str) -> HttpResponse:
    """One lifecycle step from a button on the wish page (actions.py). Refused input comes back on
    the wish page with what was typed and each message beside its field; a refusal of the step
    itself (someone was faster, the wish moved on) is a message above the page."""
    actor = request_actor(request)
    wish = access_wish_by_id(actor, wish_id)
    spec = WISH_ACTIONS.get(action)
    if spec is None:
        raise Http404
    form = spec.form(request.POST, request.FILES) if spec.form is not None else None
    if form is None or form.is_valid():
        try:
            spec.service(actor=actor, wish=wish, **(form.cleaned_data if form is not None else {}))
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect(wish)
        except ValidationError as exc:
            if form is None:
                messages.error(request, " ".join(exc.messages))
                return redirect(wish)
            form_add_errors(form, exc)
        else:
            messages.success(request, str(spec.done_message))
            return redirect(wish)
    return _detail_page(request, actor, wish, bound={action: form} if form is not None else None)


@require_POST
def wish_contact_view(request: HttpRequest, wish_id: int) -> HttpResponse:
    """Show the wisher's contact to the claimant (htmx swaps it in); writes one audit row."""
    actor = request_actor(request)
    wish = access_wish_by_id(actor, wish_id)
    contact = wish_contact_reveal(actor=actor, wish=wish)
    template = "wishes/_contact.html" if request.htmx else "wishes/contact.html"  # type: ignore[attr-defined]
    return render(request, template, {"wish": wish, "contact": contact})


@require_safe
def wish_photo_view(request: HttpRequest, photo_uuid: str) -> HttpResponseBase:
    """Serve a photo to those who may see it; never cached publicly, never sniffed as anything else."""
    photo = access_photo_by_uuid(request_actor(request), photo_uuid)
    return photo_response(file_name=photo.file_name, content_type=photo.content_type, photo_uuid=photo.uuid)


@require_safe
def wish_mine_view(request: HttpRequest) -> HttpResponse:
    """My wishes, the wishes I have claimed, and (staff) those I entered for residents."""
    person = request_actor(request).person
    if person is None:
        raise PermissionDenied(_("This account is not linked to a person."))
    return render(
        request,
        "wishes/wish_mine.html",
        {
            "posted": list(wish_list_posted_by(person)[:50]),
            "claimed": list(wish_list_claimed_by(person)[:50]),
            "entered": list(wish_list_entered_by(person)[:50]),
        },
    )


@require_safe
def wish_for_me_view(request: HttpRequest) -> HttpResponse:
    """Open wishes near the helper and matching their skills."""
    actor = request_actor(request)
    if not actor.can_anywhere(Capability.WISH_CLAIM):
        raise PermissionDenied(_("Only party members, volunteers and partner units claim wishes."))
    return render(request, "wishes/wish_for_me.html", {"wishes": wish_list_for_helper(actor)})


@require_safe
def wish_review_view(request: HttpRequest) -> HttpResponse:
    """The verification queue of community staff, oldest first, and offline residents' wishes to confirm."""
    actor = request_actor(request)
    if not actor.can_anywhere(Capability.WISH_MODERATE):
        raise PermissionDenied(_("Only community staff verify wishes."))
    wishes, _next = keyset_page(request, wish_list_to_review(actor))
    return render(
        request, "wishes/wish_review.html", {"wishes": wishes, "to_confirm": list(wish_list_to_confirm_for(actor))}
    )


@require_safe
def wish_stats_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not actor.can_anywhere(Capability.WISH_MODERATE):
        raise PermissionDenied(_("You may not see wish statistics."))
    this_year = timezone.localdate().year
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else this_year
    year = min(max(year, 2000), this_year)
    overall, communities = wish_stats(actor, start=dt.date(year, 1, 1), end=dt.date(year, 12, 1))
    return render(
        request,
        "wishes/wish_stats.html",
        {"overall": overall, "communities": communities, "year": year, "years": range(this_year, this_year - 5, -1)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def category_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not can_manage_categories(actor):
        raise PermissionDenied(_("Only the street administration may change wish categories."))
    form = NewCategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category_save(actor=actor, **form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The category has been added."))
            return redirect("wishes:categories")
    return _categories_page(request, form)


def _categories_page(request: HttpRequest, form: NewCategoryForm, status: int = 200) -> HttpResponse:
    rows = [
        (
            category,
            CategoryForm(initial={**category.__dict__, "version": version_token(category)}, prefix=f"c{category.pk}"),
        )
        for category in category_list(include_retired=True)
    ]
    return render(request, "wishes/categories.html", {"rows": rows, "form": form}, status=status)


@require_POST
def category_edit_view(request: HttpRequest, category_id: int) -> HttpResponse:
    actor = request_actor(request)
    if not can_manage_categories(actor):
        raise PermissionDenied(_("Only the street administration may change wish categories."))
    category = get_object_or_404(WishCategory, pk=category_id)
    return versioned_row_save(
        request,
        CategoryForm(request.POST, prefix=f"c{category.pk}"),
        save=lambda **fields: category_save(actor=actor, category=category, **fields),
        saved=_("The category has been saved."),
        invalid=_("Check the fields of the category."),
        back="wishes:categories",
        conflict_page=lambda status: _categories_page(request, NewCategoryForm(), status=status),
    )
