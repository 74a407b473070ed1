"""The profiled pass's instrument (config.settings.bench with MULIN_BENCH_PROFILE=1 only).

First in the middleware stack, so it sees the whole request: every query (sessions, the actor,
the page; savepoints are counted apart, as statements), the time spent waiting for the database
and the total. Reported in response headers
for the harness; with MULIN_BENCH_PROFILE_LOG=<file> each request's SQL is appended as JSON
lines, to explain a count."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse

TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def is_transaction_control(sql: str) -> bool:
    """Savepoints are not queries: whether an atomic block is a savepoint or BEGIN/COMMIT (which
    the wrapper never sees) depends on the caller's transaction (a test's, or none), so counting
    them would make the same page cost differently in a test and behind gunicorn."""
    return sql.lstrip().upper().startswith(TRANSACTION_CONTROL)


class ProfileMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.log_path = os.environ.get("MULIN_BENCH_PROFILE_LOG", "")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        queries: list[str] = []
        db_seconds = 0.0

        def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal db_seconds
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                db_seconds += time.perf_counter() - started
                queries.append(sql)

        started = time.perf_counter()
        with connection.execute_wrapper(timed):
            response = self.get_response(request)
            # The session is saved in process_response above; a lazily rendered response is
            # rendered here, inside the wrapper, so its queries count too.
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        total = time.perf_counter() - started
        data = [sql for sql in queries if not is_transaction_control(sql)]
        response["X-Bench-Queries"] = str(len(data))
        response["X-Bench-Statements"] = str(len(queries))
        response["X-Bench-Db-Ms"] = f"{db_seconds * 1000:.3f}"
        response["X-Bench-Total-Ms"] = f"{total * 1000:.3f}"
        if self.log_path:
            with open(self.log_path, "a", encoding="utf-8") as handle:
                handle.write(
                    json.dumps({"path": request.get_full_path(), "queries": queries}, ensure_ascii=False) + "\n"
                )
        return response
