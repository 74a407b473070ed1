"""The audit log as its auditor reads it: names (masked), translated actions and objects, and
filters by person, date range, action and object."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mulin.accounts.backends import phone_lookup_key
from mulin.core.audit_labels import object_kind_label, verb_choices, verb_label
from mulin.core.masking import mask_name
from mulin.core.models import AuditEvent
from mulin.organizations.models import Person

PERSON_KIND = "organizations.person"


def _kind_choices() -> list[tuple[str, str]]:
    kinds = AuditEvent.objects.exclude(target_type="").values_list("target_type", flat=True).distinct()
    return sorted(((kind, object_kind_label(kind)) for kind in kinds), key=lambda pair: pair[1])


class AuditFilterForm(forms.Form):
    person = forms.CharField(
        label=gettext_lazy("Person (name or mobile number)"), required=False, max_length=50, strip=True
    )
    person_id = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=forms.DateInput({"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput({"type": "date"}))
    verb = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Object"), required=False)
    object_id = forms.CharField(label=gettext_lazy("Object number"), required=False, max_length=64, strip=True)
    outcome = forms.ChoiceField(
        label=gettext_lazy("Result"),
        required=False,
        choices=[("", gettext_lazy("All")), ("ok", gettext_lazy("Done")), ("fail", gettext_lazy("Failed or refused"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["verb"].choices = everything + verb_choices()  # type: ignore[attr-defined]
        self.fields["kind"].choices = everything + _kind_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data


def _people_matching(text: str) -> list[int]:
    key = phone_lookup_key(text) if any(ch.isdigit() for ch in text) else None
    if key is not None:
        return list(Person.objects.filter(phone_index=key).values_list("pk", flat=True)[:50])
    return list(Person.objects.filter(full_name=text).values_list("pk", flat=True)[:50])


def audit_events_filtered(form: AuditFilterForm) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.order_by("-id")
    if not form.is_valid():
        return events
    data = form.cleaned_data
    if data["person"] or data["person_id"]:
        ids = [data["person_id"]] if data["person_id"] else _people_matching(data["person"])
        events = events.filter(
            Q(actor_person_id__in=ids) | Q(target_type=PERSON_KIND, target_id__in=[str(pk) for pk in ids])
        )
    zone = timezone.get_current_timezone()
    if data["date_from"]:
        events = events.filter(created_at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=zone))
    if data["date_to"]:
        end = dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        events = events.filter(created_at__lt=end)
    if data["verb"]:
        events = events.filter(verb=data["verb"])
    if data["kind"]:
        events = events.filter(target_type=data["kind"])
    if data["object_id"]:
        events = events.filter(target_id=data["object_id"])
    if data["outcome"]:
        events = events.filter(outcome=data["outcome"])
    return events


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    action: str
    actor: str
    actor_id: int | None
    target: str
    target_person_id: int | None
    result: str


def audit_rows(events: list[AuditEvent]) -> list[AuditRow]:
    """Rows to show: one query for every name on the page."""
    person_ids = {event.actor_person_id for event in events if event.actor_person_id}
    person_ids |= {int(event.target_id) for event in events if event.target_type == PERSON_KIND and event.target_id}
    by_user = {event.actor_user_id for event in events if event.actor_user_id and not event.actor_person_id}
    people = Person.objects.filter(Q(pk__in=person_ids) | Q(user_id__in=by_user)).only("id", "full_name", "user_id")
    names = {person.pk: mask_name(person.full_name) for person in people}
    person_of_user = {person.user_id: person.pk for person in people if person.user_id}
    rows = []
    for event in events:
        actor_id = event.actor_person_id or (person_of_user.get(event.actor_user_id) if event.actor_user_id else None)
        actor = names.get(actor_id, "") if actor_id is not None else ""
        if not actor:
            actor = _("account %(id)s") % {"id": event.actor_user_id} if event.actor_user_id else _("system")
        target_person_id = None
        if event.target_type == PERSON_KIND and event.target_id.isdigit():
            target_person_id = int(event.target_id)
            target = names.get(target_person_id) or object_kind_label(event.target_type)
        elif event.target_type:
            kind = object_kind_label(event.target_type)
            target = f"{kind} #{event.target_id}" if event.target_id else kind
        else:
            target = ""
        result = _("Done") if event.outcome == "ok" else _("Failed or refused")
        rows.append(AuditRow(event, verb_label(event.verb), actor, actor_id, target, target_person_id, result))
    return rows
