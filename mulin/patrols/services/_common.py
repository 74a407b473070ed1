"""Helpers shared by the patrol services: audit rows."""

from __future__ import annotations

from typing import Any

from django.db import models

from mulin.core.audit import audit_record
from mulin.organizations.scoping import Actor

M = "patrols"  # audit verb prefix


def audit(verb: str, actor: Actor, target: models.Model, *, scope_path: str, **data: Any) -> None:
    audit_record(verb=f"{M}.{verb}", actor=actor.person, target=target, scope_path=scope_path, data=data)
