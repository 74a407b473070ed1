"""The work-order service API (see docs/workorders.md). Other modules import from here only."""

from mulin.workorders.services.create import Location, work_order_create
from mulin.workorders.services.escalation import EscalationReport, work_order_escalate_due
from mulin.workorders.services.lifecycle import (
    work_order_accept,
    work_order_close,
    work_order_close_unfixed,
    work_order_dispatch,
    work_order_rate,
    work_order_reassign,
    work_order_reopen,
    work_order_resolve,
    work_order_return,
    work_order_send_back,
    work_order_start,
    work_order_verify,
)
from mulin.workorders.services.open311 import open311_client_for_key, open311_request_create
from mulin.workorders.services.street import department_save, open311_client_issue, open311_client_revoke

__all__ = [
    "EscalationReport",
    "Location",
    "department_save",
    "open311_client_for_key",
    "open311_client_issue",
    "open311_client_revoke",
    "open311_request_create",
    "work_order_accept",
    "work_order_close",
    "work_order_close_unfixed",
    "work_order_create",
    "work_order_dispatch",
    "work_order_escalate_due",
    "work_order_rate",
    "work_order_reassign",
    "work_order_reopen",
    "work_order_resolve",
    "work_order_return",
    "work_order_send_back",
    "work_order_start",
    "work_order_verify",
]
