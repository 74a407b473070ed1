"""Roundtable pages. Thin: parse, call one selector or service, render. Buttons are shown by the
same predicates the services enforce."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mulin.core.exceptions import ApplicationError
from mulin.core.forms import form_add_errors
from mulin.core.masking import mask_name
from mulin.core.photos import photo_response
from mulin.core.views import keyset_before, keyset_page
from mulin.organizations.middleware import request_actor
from mulin.organizations.roles import Capability
from mulin.roundtable import forms as F
from mulin.roundtable import services
from mulin.roundtable.models import OPEN_STATUSES, Decision, Meeting, Topic
from mulin.roundtable.permissions import (
    access_decision_by_id,
    access_meeting_by_id,
    access_photo_by_uuid,
    access_topic_by_id,
    can_escalate_topic,
    can_handle_topic,
    can_merge_topic,
    can_run_meeting,
    can_schedule_meetings,
    can_see_raiser,
    can_support_topic,
    show_totals,
)
from mulin.roundtable.selectors import (
    meeting_agenda,
    meeting_list_visible_to,
    meeting_open_votes,
    meeting_participants,
    meeting_positions,
    owner_choices_for,
    participant_of,
    place_choices_for,
    topic_decisions,
    topic_events,
    topic_list_similar,
    topic_list_visible_to,
    topic_people,
    topic_photos,
    topic_progress,
    topic_supported_by,
    voted_decision_ids,
)


def _place_choices(actor: Any) -> list[tuple[int, str]]:
    return [(unit.pk, unit.name) for unit in place_choices_for(actor)[:500]]


@require_safe
def topic_list_view(request: HttpRequest) -> HttpResponse:
    """The public board: the community's topics with their status, level and support."""
    actor = request_actor(request)
    if not actor.can_anywhere(Capability.TOPIC_VIEW):
        raise PermissionDenied(_("You may not see the roundtable."))
    form = F.ListFilterForm(request.GET or None)
    show, level = "open", ""
    if form.is_valid():
        show = form.cleaned_data["show"] or "open"
        level = form.cleaned_data["level"]
    topics, next_url = keyset_page(
        request,
        topic_list_visible_to(actor, statuses=F.SHOW_GROUPS[show], level=level or None, before=keyset_before(request)),
    )
    context = {
        "topics": topics,
        "next_url": next_url,
        "form": form,
        "can_raise": actor.can_anywhere(Capability.TOPIC_RAISE),
    }
    return render(request, "roundtable/topic_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def topic_create_view(request: HttpRequest) -> HttpResponse:
    """Raise a topic: where, the problem in a few words, photos."""
    actor = request_actor(request)
    places = _place_choices(actor)
    if not places:
        raise PermissionDenied(_("You may raise topics only about your own community."))
    home = actor.person.home_unit_id if actor.person is not None else None
    initial = {"place": home} if home in dict(places) else {}
    form = F.RaiseForm(request.POST or None, request.FILES or None, places=places, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            topic = services.topic_raise(
                actor=actor,
                place=place_choices_for(actor).get(pk=data["place"]),
                title=data["title"],
                text=data["text"],
                photos=data["photos"],
                anonymous=data["anonymous"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Thank you. Your neighbours and the handlers can see your topic now."))
            return redirect("roundtable:detail", topic_id=topic.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "roundtable/topic_form.html", {"form": form}, status=status)


def _detail_context(actor: Any, topic: Topic, failed: tuple[str, forms.Form] | None = None) -> dict[str, Any]:
    escalate: forms.Form | None = F.EscalateForm(prefix="escalate") if can_escalate_topic(actor, topic) else None
    merge: forms.Form | None = F.MergeForm(prefix="merge") if can_merge_topic(actor, topic) else None
    if failed is not None and failed[0] == "escalate":
        escalate = failed[1]
    if failed is not None and failed[0] == "merge":
        merge = failed[1]
    handles = can_handle_topic(actor, topic)
    action_form = None
    if handles and topic.status in (Topic.Status.DECIDED, Topic.Status.IN_PROGRESS):
        owners = [(unit.pk, unit.name) for unit in owner_choices_for(topic)]
        action_form = (failed[1] if failed and failed[0] == "action" else None) or F.ActionItemForm(
            owners=owners, prefix="action"
        )
    progress_form = None
    if services.can_post_progress(actor, topic):
        progress_form = (failed[1] if failed and failed[0] == "progress" else None) or F.ProgressForm(prefix="progress")
    rating_form = None
    if services.can_rate_topic(actor, topic):
        rating_form = (failed[1] if failed and failed[0] == "rate" else None) or F.RatingForm(prefix="rate")
    return {
        "decisions": topic_decisions(topic),
        "orders": services.action_items(topic),
        "progress": topic_progress(topic),
        "action_form": action_form,
        "progress_form": progress_form,
        "rating_form": rating_form,
        "can_complete": handles and topic.status == Topic.Status.IN_PROGRESS,
        "can_settle": handles and topic.status == Topic.Status.RATING and topic.rating_count > 0,
        "reopen_below": services.reopen_below(),
        "topic": topic,
        "events": topic_events(topic),
        "photos": topic_photos(topic),
        "raiser": topic.raiser_name if can_see_raiser(actor, topic) else topic.public_name,
        "can_support": can_support_topic(actor, topic),
        "supported": topic_supported_by(topic, actor.person_id),
        "escalate_form": escalate,
        "merge_form": merge,
    }


@require_safe
def topic_detail_view(request: HttpRequest, topic_id: int) -> HttpResponse:
    actor = request_actor(request)
    topic = access_topic_by_id(actor, topic_id)
    return render(request, "roundtable/topic_detail.html", _detail_context(actor, topic))


@require_POST
def topic_support_view(request: HttpRequest, topic_id: int) -> HttpResponseBase:
    """ "Me too": join a neighbour's topic."""
    actor = request_actor(request)
    topic = access_topic_by_id(actor, topic_id)
    try:
        services.topic_support(actor=actor, topic=topic)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You have joined this topic."))
    return redirect("roundtable:detail", topic_id=topic.pk)


def _form_action(request: HttpRequest, topic_id: int, name: str) -> HttpResponseBase:
    actor = request_actor(request)
    topic = access_topic_by_id(actor, topic_id)
    form: forms.Form = (F.EscalateForm if name == "escalate" else F.MergeForm)(request.POST, prefix=name)
    if form.is_valid():
        try:
            if name == "escalate":
                services.topic_escalate(actor=actor, topic=topic, reason=form.cleaned_data["reason"])
                messages.success(request, _("Escalated. The handlers of the next level have been told."))
                return redirect("roundtable:detail", topic_id=topic.pk)
            into = topic_list_visible_to(actor).filter(pk=form.cleaned_data["into"]).first()
            if into is None:
                raise ValidationError({"into": [_("There is no such topic in your reach.")]})
            services.topic_merge(actor=actor, topic=topic, into=into)
            messages.success(request, _("Merged. Its supporters and history are on this topic now."))
            return redirect("roundtable:detail", topic_id=into.pk)
        except ValidationError as exc:
            form_add_errors(form, exc)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("roundtable:detail", topic_id=topic.pk)
    context = _detail_context(actor, topic, (name, form))
    return render(request, "roundtable/topic_detail.html", context, status=400)


@require_POST
def topic_escalate_view(request: HttpRequest, topic_id: int) -> HttpResponseBase:
    return _form_action(request, topic_id, "escalate")


@require_POST
def topic_merge_view(request: HttpRequest, topic_id: int) -> HttpResponseBase:
    return _form_action(request, topic_id, "merge")


@require_safe
def topic_photo_view(request: HttpRequest, photo_uuid: str) -> HttpResponseBase:
    """A photo of a topic, for those who may see the topic; never a public media URL."""
    photo = access_photo_by_uuid(request_actor(request), str(photo_uuid))
    return photo_response(file_name=photo.file_name, content_type=photo.content_type, photo_uuid=photo.uuid)


@require_safe
def topic_similar_view(request: HttpRequest) -> HttpResponse:
    """While a resident types a topic: open topics of their community that read alike (htmx
    partial; a plain GET shows the same list)."""
    actor = request_actor(request)
    if not actor.can_anywhere(Capability.TOPIC_VIEW):
        raise PermissionDenied(_("You may not see the roundtable."))
    text = f"{request.GET.get('title', '')} {request.GET.get('text', '')}"[:500]
    found = topic_list_similar(actor, text)
    return render(request, "roundtable/_similar.html", {"found": found})


# --- roundtables ------------------------------------------------------------------------------------


@require_safe
def meeting_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not actor.can_anywhere(Capability.TOPIC_VIEW):
        raise PermissionDenied(_("You may not see the roundtable."))
    meetings, next_url = keyset_page(request, meeting_list_visible_to(actor, before=keyset_before(request)))
    context = {"meetings": meetings, "next_url": next_url, "can_schedule": can_schedule_meetings(actor)}
    return render(request, "roundtable/meeting_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_schedule_view(request: HttpRequest) -> HttpResponse:
    """Community staff: schedule a roundtable on open topics."""
    actor = request_actor(request)
    if not can_schedule_meetings(actor):
        raise PermissionDenied(_("Only the community's staff may run its roundtables."))
    open_topics = [
        topic
        for topic in topic_list_visible_to(actor, statuses=OPEN_STATUSES)[:200]
        if actor.can(Capability.TOPIC_HANDLE, topic.community.path)
    ]
    choices = [(t.pk, f"#{t.pk} {t.title} · {t.community.name}") for t in open_topics]
    form = F.ScheduleForm(request.POST or None, topics=choices, initial={"topics": request.GET.getlist("topic")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        topics = [t for t in open_topics if t.pk in data["topics"]]
        try:
            if len({t.community_id for t in topics}) != 1:
                raise ValidationError({"topics": [_("Choose topics of one community.")]})
            meeting = services.meeting_schedule(
                actor=actor,
                community=topics[0].community,
                title=data["title"],
                starts_at=data["starts_at"],
                location=data["location"],
                topics=topics,
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Scheduled. Everyone who raised or joined these topics has been invited."))
            return redirect("roundtable:meeting", meeting_id=meeting.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "roundtable/meeting_form.html", {"form": form}, status=status)


def _meeting_context(actor: Any, meeting: Meeting, failed: dict[str, forms.Form] | None = None) -> dict[str, Any]:
    failed = failed or {}
    participants = meeting_participants(meeting)
    runs = can_run_meeting(actor, meeting)
    agenda = meeting_agenda(meeting)
    seat = participant_of(meeting, actor.person_id)
    voted = voted_decision_ids(meeting, actor.person_id)
    decisions = []
    open_votes: dict[int, list[Any]] = {}
    for vote in meeting_open_votes(meeting):
        open_votes.setdefault(vote.decision_id, []).append(vote)
    for decision in meeting.decisions.prefetch_related("options").order_by("id"):
        options = list(decision.options.all())
        can_vote = (
            seat is not None
            and seat.attended is not False
            and decision.status == Decision.Status.VOTING
            and decision.pk not in voted
        )
        vote_form = None
        if can_vote:
            vote_form = failed.get(f"vote-{decision.pk}") or F.VoteForm(
                options=[(o.pk, o.label) for o in options], prefix=f"vote-{decision.pk}"
            )
        decisions.append(
            {
                "decision": decision,
                "options": options,
                "totals": show_totals(decision),
                "cast": sum(o.votes for o in options),
                "open_votes": [
                    {"masked": mask_name(vote.participant.person.full_name), "option": vote.option}
                    for vote in open_votes.get(decision.pk, [])
                ],
                "vote_form": vote_form,
                "voted": decision.pk in voted,
            }
        )
    names = [(p.pk, f"{mask_name(p.person.full_name)} · {p.get_capacity_display()}") for p in participants]
    open_agenda = [(t.pk, f"#{t.pk} {t.title}") for t in agenda if t.status in OPEN_STATUSES]
    return {
        "meeting": meeting,
        "agenda": agenda,
        "participants": [(p, mask_name(p.person.full_name)) for p in participants],
        "positions": meeting_positions(meeting),
        "decisions": decisions,
        "runs": runs,
        "attendance_form": (
            failed.get("attendance")
            or F.AttendanceForm(
                participants=names, prefix="attendance", initial={"present": [p.pk for p in participants if p.attended]}
            )
        )
        if runs
        else None,
        "minutes_form": (failed.get("minutes") or F.MinutesForm(prefix="minutes", initial={"minutes": meeting.minutes}))
        if runs
        else None,
        "decision_form": (failed.get("decision") or F.DecisionForm(topics=open_agenda, prefix="decision"))
        if runs and open_agenda
        else None,
    }


@require_safe
def meeting_detail_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = request_actor(request)
    meeting = access_meeting_by_id(actor, meeting_id)
    return render(request, "roundtable/meeting_detail.html", _meeting_context(actor, meeting))


def _meeting_form_post(
    request: HttpRequest, meeting: Meeting, name: str, form: forms.Form, run: Any, done: str
) -> HttpResponseBase:
    actor = request_actor(request)
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("roundtable:meeting", meeting_id=meeting.pk)
        else:
            messages.success(request, done)
            return redirect("roundtable:meeting", meeting_id=meeting.pk)
    context = _meeting_context(actor, meeting, {name: form})
    return render(request, "roundtable/meeting_detail.html", context, status=400)


@require_POST
def meeting_attendance_view(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    actor = request_actor(request)
    meeting = access_meeting_by_id(actor, meeting_id)
    if not can_run_meeting(actor, meeting):
        raise PermissionDenied(_("Only the community's staff may run its roundtables."))
    choices = [(p.pk, str(p.pk)) for p in meeting_participants(meeting)]
    form = F.AttendanceForm(request.POST, participants=choices, prefix="attendance")
    return _meeting_form_post(
        request,
        meeting,
        "attendance",
        form,
        lambda d: services.meeting_record_attendance(actor=actor, meeting=meeting, present=d["present"]),
        _("Attendance saved."),
    )


@require_POST
def meeting_minutes_view(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    actor = request_actor(request)
    meeting = access_meeting_by_id(actor, meeting_id)
    form = F.MinutesForm(request.POST, prefix="minutes")

    def run(d: dict[str, Any]) -> Any:
        positions = [(d["capacity"], d["said"])] if d["capacity"] or d["said"] else []
        return services.meeting_record_minutes(actor=actor, meeting=meeting, minutes=d["minutes"], positions=positions)

    return _meeting_form_post(request, meeting, "minutes", form, run, _("Minutes saved."))


@require_POST
def decision_create_view(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    actor = request_actor(request)
    meeting = access_meeting_by_id(actor, meeting_id)
    if not can_run_meeting(actor, meeting):
        raise PermissionDenied(_("Only the community's staff may run its roundtables."))
    agenda = {t.pk: t for t in meeting_agenda(meeting)}
    form = F.DecisionForm(request.POST, topics=[(pk, str(pk)) for pk in agenda], prefix="decision")

    def run(d: dict[str, Any]) -> Any:
        topic = agenda[d["topic"]]
        if d["method"] == Decision.Method.VOTE:
            return services.decision_open_vote(
                actor=actor,
                meeting=meeting,
                topic=topic,
                question=d["question"],
                options=d["options"].splitlines(),
                ballot=d["ballot"],
            )
        return services.decision_record_consensus(
            actor=actor, meeting=meeting, topic=topic, question=d["question"], outcome=d["outcome"]
        )

    return _meeting_form_post(request, meeting, "decision", form, run, _("Saved."))


@require_POST
def vote_view(request: HttpRequest, decision_id: int) -> HttpResponseBase:
    """A participant votes (once)."""
    actor = request_actor(request)
    decision = access_decision_by_id(actor, decision_id)
    meeting = decision.meeting
    options = {o.pk: o for o in decision.options.all()}
    form = F.VoteForm(request.POST, options=[(pk, o.label) for pk, o in options.items()], prefix=f"vote-{decision.pk}")
    return _meeting_form_post(
        request,
        meeting,
        f"vote-{decision.pk}",
        form,
        lambda d: services.vote_cast(actor=actor, decision=decision, option=options[d["option"]]),
        _("Your vote has been counted."),
    )


@require_POST
def decision_close_view(request: HttpRequest, decision_id: int) -> HttpResponseBase:
    actor = request_actor(request)
    decision = access_decision_by_id(actor, decision_id)
    try:
        services.decision_close_vote(actor=actor, decision=decision)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The vote is closed and the topic decided."))
    return redirect("roundtable:meeting", meeting_id=decision.meeting_id)


# --- from decision to done ----------------------------------------------------------------------------


def _topic_form_post(
    request: HttpRequest, topic: Topic, name: str, form: forms.Form, run: Any, done: str
) -> HttpResponseBase:
    actor = request_actor(request)
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("roundtable:detail", topic_id=topic.pk)
        else:
            messages.success(request, done)
            return redirect("roundtable:detail", topic_id=topic.pk)
    return render(request, "roundtable/topic_detail.html", _detail_context(actor, topic, (name, form)), status=400)


@require_POST
def action_item_view(request: HttpRequest, topic_id: int) -> HttpResponseBase:
    """Handlers file an action item (a work order) of a decided topic."""
    actor = request_actor(request)
    topic = access_topic_by_id(actor, topic_id)
    if not can_handle_topic(actor, topic):
        raise PermissionDenied(_("Only the handlers of this topic's level may do this."))
    owners = {unit.pk: unit for unit in owner_choices_for(topic)}
    form = F.ActionItemForm(request.POST, owners=[(pk, u.name) for pk, u in owners.items()], prefix="action")

    def run(d: dict[str, Any]) -> Any:
        wanted = [int(n) for n in d["supervisors"].replace("，", ",").split(",") if n.strip().isdigit()]
        people = [p for p in topic_people(topic) if p.pk in wanted]
        if len(people) != len(set(wanted)):
            raise ValidationError({"supervisors": [_("Choose supervisors among the people who joined.")]})
        return services.action_item_file(
            actor=actor, topic=topic, title=d["title"], owner=owners[d["owner"]], supervisors=people
        )

    return _topic_form_post(request, topic, "action", form, run, _("The action item is filed as a work order."))


@require_POST
def progress_view(request: HttpRequest, topic_id: int) -> HttpResponseBase:
    actor = request_actor(request)
    topic = access_topic_by_id(actor, topic_id)
    form = F.ProgressForm(request.POST, request.FILES, prefix="progress")
    return _topic_form_post(
        request,
        topic,
        "progress",
        form,
        lambda d: services.progress_post(actor=actor, topic=topic, note=d["note"], photos=d["photos"]),
        _("Thank you. Your neighbours can see the progress."),
    )


@require_POST
def complete_view(request: HttpRequest, topic_id: int) -> HttpResponseBase:
    actor = request_actor(request)
    topic = access_topic_by_id(actor, topic_id)
    try:
        services.topic_complete(actor=actor, topic=topic)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done. Everyone who raised or joined is asked to rate it."))
    return redirect("roundtable:detail", topic_id=topic.pk)


@require_POST
def rate_view(request: HttpRequest, topic_id: int) -> HttpResponseBase:
    actor = request_actor(request)
    topic = access_topic_by_id(actor, topic_id)
    form = F.RatingForm(request.POST, prefix="rate")
    return _topic_form_post(
        request,
        topic,
        "rate",
        form,
        lambda d: services.topic_rate(actor=actor, topic=topic, score=d["score"], comment=d["comment"]),
        _("Thank you for your rating."),
    )


@require_POST
def settle_view(request: HttpRequest, topic_id: int) -> HttpResponseBase:
    actor = request_actor(request)
    topic = access_topic_by_id(actor, topic_id)
    try:
        services.topic_settle_rating(actor=actor, topic=topic)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The ratings are settled."))
    return redirect("roundtable:detail", topic_id=topic.pk)
