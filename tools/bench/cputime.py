"""CPU time per request, in-process: the measure that survives a loaded machine.

    python -m tools.bench.cputime --manifest bench-results/data/mulin_bench_s.postgresql.manifest.json \
        [--scenarios F1,W1,W2] [--rounds 30] [--profile W1]

Runs with the bench settings (production + floors; set by the harness's environment, as
`tools.bench.run` builds it) against a generated dataset, through Django's test client and the
whole middleware stack, signed in as the bench personas. Each scenario's distinct requests are
sent in rounds, the scenarios interleaved, and each request's CPU time of this process is taken
(`time.process_time`: Python and the database driver, not the PostgreSQL server, not waiting).
Reports min, lower quartile and median per scenario and each scenario's ratio to F1's: with the
server's CPU the bottleneck, a page's throughput ratio to F1 is roughly F1's cost over the page's
plus the fixed cost per request outside Django (gunicorn, the HTTP parsing) that both pay.
`--profile W1` prints cProfile's top functions for that scenario.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--scenarios", default="F1,F3,W1,W1-deep,W2")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--profile", help="a scenario to run under cProfile after the timing")
    parser.add_argument("--language", default="zh-hans")
    args = parser.parse_args(argv)
    manifest = json.loads(args.manifest.read_text())
    database = manifest_database(args.manifest)
    from tools.bench.run import bench_env

    os.environ.update(bench_env(ROOT / "bench-results", database))
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest storage needs it
    from django.test import Client

    from tools.bench.prepare import prepare
    from tools.bench.profile import signed_in_clients
    from tools.bench.scenarios import specs_for

    data = prepare(manifest)
    clients = signed_in_clients(manifest)
    for group in clients.values():
        for client in group:
            client.defaults.update(HTTP_X_FORWARDED_PROTO="https", HTTP_ACCEPT_LANGUAGE=args.language)
            client.cookies["django_language"] = args.language
    scenarios = args.scenarios.split(",")
    requests = {s: list(dict.fromkeys(specs_for(s, data)))[:12] for s in scenarios}

    def send(client: Client, path: str) -> None:
        response = client.get(path, secure=True)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")

    from django.db import connection

    connection.ensure_connection()
    backend = Path(f"/proc/{connection.connection.info.backend_pid}/stat")
    samples: dict[str, list[float]] = {s: [] for s in scenarios}
    database_ms: dict[str, float] = dict.fromkeys(scenarios, 0.0)
    for round_ in range(args.rounds + 1):
        for scenario in scenarios:
            database_started = _process_cpu_ms(backend)
            for n, spec in enumerate(requests[scenario]):
                client = clients[spec.persona][n % len(clients[spec.persona])]
                started = time.process_time()
                send(client, spec.path)
                if round_:
                    samples[scenario].append((time.process_time() - started) * 1000)
            if round_:
                database_ms[scenario] += _process_cpu_ms(backend) - database_started
    f1 = _quantile(samples.get("F1", []), 0.25)
    print(f"CPU ms per request, {args.rounds} rounds, load average {os.getloadavg()[0]:.1f}")
    print("Django: this process (min, lower quartile, median); PostgreSQL: its backend's CPU, mean")
    print(f"{'scenario':<9}{'min':>7}{'q1':>7}{'median':>8}{'q1/F1':>7}{'pg':>7}")
    for scenario, values in samples.items():
        q1 = _quantile(values, 0.25)
        ratio = f"{q1 / f1:>7.2f}" if f1 else ""
        pg = database_ms[scenario] / len(values)
        print(f"{scenario:<9}{min(values):>7.2f}{q1:>7.2f}{_quantile(values, 0.5):>8.2f}{ratio}{pg:>7.2f}")
    if args.profile:
        profiler = cProfile.Profile()
        specs = requests[args.profile]
        profiler.enable()
        for _ in range(args.rounds):
            for n, spec in enumerate(specs):
                send(clients[spec.persona][n % len(clients[spec.persona])], spec.path)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
    return 0


def manifest_database(path: Path) -> str:
    """The database a manifest was generated into (<name>.<backend>.manifest.json)."""
    from tools.bench.run import PG_URL

    name, backend = path.name.split(".")[:2]
    if backend == "postgresql":
        return f"{PG_URL}/{name}"
    return f"sqlite:///{(path.parent / f'{name}.sqlite3').resolve()}"


def _process_cpu_ms(stat: Path) -> float:
    """User + system CPU of a process (the PostgreSQL backend serving this one), in ms."""
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


if __name__ == "__main__":
    raise SystemExit(main())
