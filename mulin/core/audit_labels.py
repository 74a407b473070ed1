"""What the audit log's codes mean, in the reader's language.

Each app names its audit verbs in its own `audit_verbs.py` (imported when the app is ready, see
`core/modules.py`): `register({"wishes.published": _("Wish published"), ...})`. The audit page
shows the label, and the code only where no app named it. Object kinds are the models' own
verbose names (`target_type` is a model label); refused access names its kind the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_VERBS: dict[str, str | Promise] = {}

ACCESS_REFUSED = "access.refused"


def register(verbs: Mapping[str, str | Promise]) -> None:
    _VERBS.update(verbs)


register({ACCESS_REFUSED: _("Access refused or not found")})


def verb_label(verb: str) -> str:
    label = _VERBS.get(verb)
    return str(label) if label is not None else verb


def verb_choices() -> list[tuple[str, str]]:
    """(code, label) of every named verb, sorted by label."""
    return sorted(((code, str(label)) for code, label in _VERBS.items()), key=lambda pair: pair[1])


def object_kind_label(target_type: str) -> str:
    """'wishes.wish' → the model's verbose name ('心愿'); 'page' → 'page'; unknown → as stored.

    Refused access names kinds after the URL's id ('wishes.wish', 'organizations.unit'); a stem
    that is not a model name is matched to the app's model whose name ends with it
    ('workorders.order' → WorkOrder).
    """
    if not target_type:
        return ""
    if target_type == "page":
        return str(_("page"))
    app_label, _dot, stem = target_type.partition(".")
    try:
        config = apps.get_app_config(app_label)
    except LookupError:
        return target_type
    models = list(config.get_models())
    for model in models:
        if model._meta.model_name == stem:
            return str(model._meta.verbose_name)
    for model in models:
        if (model._meta.model_name or "").endswith(stem):
            return str(model._meta.verbose_name)
    return target_type
