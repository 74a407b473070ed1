"""What people do to a wish, declared once per action (core/statemachine.py `Action`): the
transition (`transitions.py`), who may (`permissions.py`, the same predicate shows the button and
is enforced by the service), the service (`services/`), the web form, the API request schema and
the message shown when it is done. The wish page and the API endpoints are built from this table;
its order is the order of the buttons and of the API's `actions` list."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mulin.core.statemachine import Action, action_table, available_actions
from mulin.organizations.scoping import Actor
from mulin.wishes import forms, serializers
from mulin.wishes.models import Wish
from mulin.wishes.permissions import (
    can_claim_wish,
    can_confirm_wish,
    can_fulfil_wish,
    can_moderate_wish,
    can_release_wish,
    can_withdraw_wish,
)
from mulin.wishes.services import (
    wish_claim,
    wish_confirm,
    wish_fulfil,
    wish_publish,
    wish_reject,
    wish_release,
    wish_withdraw,
)
from mulin.wishes.transitions import WISH_LIFECYCLE

# Messages are lazy: read in the language of each request, not the one active at import.
WISH_ACTIONS: dict[str, Action[Wish]] = action_table(
    [
        Action(
            WISH_LIFECYCLE,
            "publish",
            predicate=can_moderate_wish,
            service=wish_publish,
            done_message=_("The wish is on the wall."),
            summary="Verify a submitted wish and put it on the wall (community staff)",
        ),
        Action(
            WISH_LIFECYCLE,
            "reject",
            predicate=can_moderate_wish,
            service=wish_reject,
            form=forms.RejectForm,
            request_serializer=serializers.WishRejectSerializer,
            done_message=_("The wish was not published; the wisher sees your reason."),
            summary="Do not publish a submitted wish, with a reason the wisher sees (community staff)",
        ),
        Action(
            WISH_LIFECYCLE,
            "claim",
            predicate=can_claim_wish,
            service=wish_claim,
            done_message=_("Thank you for taking this on. You can now see how to reach the wisher."),
            summary="Claim a published wish (party members, volunteers, partner units); 409 if someone was faster",
        ),
        Action(
            WISH_LIFECYCLE,
            "release",
            predicate=can_release_wish,
            service=wish_release,
            form=forms.ReasonForm,
            request_serializer=serializers.WishReasonSerializer,
            done_message=_("The wish is back on the wall."),
            summary="Give a claimed wish back to the wall (the claimant, or staff)",
        ),
        Action(
            WISH_LIFECYCLE,
            "fulfil",
            predicate=can_fulfil_wish,
            service=wish_fulfil,
            form=forms.FulfilForm,
            request_serializer=serializers.WishFulfilSerializer,
            done_message=_("Thank you. The wisher is asked to confirm."),
            summary="Report a claimed wish fulfilled, with a note and 1-3 photos (multipart; the claimant)",
        ),
        Action(
            WISH_LIFECYCLE,
            "confirm",
            predicate=can_confirm_wish,
            service=wish_confirm,
            form=forms.ConfirmForm,
            request_serializer=serializers.WishConfirmSerializer,
            done_message=_("Thank you. The wish is closed and the helper has been thanked."),
            summary="Confirm a fulfilled wish, rate and thank the helper (the wisher, or staff for them)",
        ),
        Action(
            WISH_LIFECYCLE,
            "withdraw",
            predicate=can_withdraw_wish,
            service=wish_withdraw,
            form=forms.ReasonForm,
            request_serializer=serializers.WishReasonSerializer,
            done_message=_("The wish has been withdrawn."),
            summary="Withdraw a wish before it is fulfilled (the wisher)",
        ),
    ]
)
assert tuple(WISH_ACTIONS) == WISH_LIFECYCLE.names  # every transition is something a person does


def wish_available_actions(actor: Actor, wish: Wish) -> list[str]:
    """Actions the actor may take on the wish now: the same predicates the services enforce."""
    return available_actions(WISH_ACTIONS, actor, wish)
