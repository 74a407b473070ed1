"""The profiled pass in-process (Django's test client and CaptureQueriesContext): the same
scenarios and the same gate as the HTTP harness, without a server. The gate's own tests use it;
the harness profiles through gunicorn instead (tools.bench.middleware)."""

from __future__ import annotations

import time
import urllib.parse
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from mulin.accounts.models import User
from tools.bench.middleware import is_transaction_control
from tools.bench.scenarios import specs_for

REPEAT = 2


def signed_in_clients(manifest: dict[str, Any]) -> dict[str, list[Client]]:
    """A client per persona, signed in like the harness's sessions (staff with their TOTP device)."""
    clients: dict[str, list[Client]] = {"worker": [], "resident": []}
    for persona, entries in (
        ("worker", manifest["personas"]["workers"]),
        ("resident", manifest["personas"]["residents"]),
    ):
        for entry in entries[:2]:
            client = Client()
            client.force_login(User.objects.get(pk=entry["user_id"]))
            if persona == "worker":
                session = client.session
                session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user_id=entry["user_id"]).persistent_id
                session.save()
            clients[persona].append(client)
    return clients


def profile_in_process(scenarios: list[str], data: dict[str, Any], manifest: dict[str, Any]) -> dict[str, Any]:
    """{scenario: {"profile": {queries_max, queries_min, db_ms, python_ms, total_ms}}} like the harness."""
    clients = signed_in_clients(manifest)
    results: dict[str, Any] = {}
    for scenario in scenarios:
        samples = []
        distinct = list(dict.fromkeys(specs_for(scenario, data)))
        per_round = min(6, len(distinct))
        for round_ in range(REPEAT + 1):
            for n in range(per_round):
                spec = distinct[(round_ * per_round + n) % len(distinct)]
                client = clients[spec.persona][n % len(clients[spec.persona])]
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as captured:
                    if spec.method == "GET":
                        response = client.get(spec.path)
                    else:
                        response = client.generic(
                            spec.method,
                            spec.path,
                            urllib.parse.urlencode(spec.form),
                            content_type="application/x-www-form-urlencoded",
                        )
                total = time.perf_counter() - started
                if response.status_code not in spec.expect:
                    raise AssertionError(f"{scenario}: {spec.path} answered {response.status_code}")
                if round_ == 0:
                    continue
                db = sum(float(q.get("time") or 0) for q in captured.captured_queries)
                queries = [q for q in captured.captured_queries if not is_transaction_control(q["sql"])]
                samples.append((len(queries), db * 1000, total * 1000))
        queries = sorted(s[0] for s in samples)
        totals = sorted(s[2] for s in samples)
        dbs = sorted(s[1] for s in samples)
        results[scenario] = {
            "profile": {
                "queries": queries[len(queries) // 2],
                "queries_max": queries[-1],
                "queries_min": queries[0],
                "db_ms": round(dbs[len(dbs) // 2], 2),
                "python_ms": round(totals[len(totals) // 2] - dbs[len(dbs) // 2], 2),
                "total_ms": round(totals[len(totals) // 2], 2),
                "samples": len(samples),
            }
        }
    return results
