"""Rows of the permission matrix (mulin/web/tests/test_permission_matrix.py) for duty rosters.

Identities and the own / same-community / other-community convention are the matrix's
(mulin/web/tests/cast.py)."""

from __future__ import annotations

from typing import Any

from mulin.web.tests.cast import ANONYMOUS, DISABLED, ROLES

OUT = frozenset({ANONYMOUS, DISABLED})
SIGNED_IN = frozenset(ROLES) - OUT


def _web(ok: int, allowed: frozenset[str] = SIGNED_IN, denied: int = 403) -> dict[str, Any]:
    return {role: 302 if role in OUT else ok if role in allowed else denied for role in ROLES}


def rows(Route: Any, PERSON: str) -> list[Any]:
    """The matrix rows of the roster routes."""
    return [
        Route("rosters:mine", expect=_web(200)),
    ]
