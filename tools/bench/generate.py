"""Generate a benchmark dataset into the database the Django settings point at.

    python -m tools.bench.generate --tier S|M|L [--seed N] [--end YYYY-MM-DD] [--method copy|insert|orm]
                                   [--manifest PATH]

Settings come from the environment (DJANGO_SETTINGS_MODULE, DATABASE_URL, MULIN_FIELD_KEYS_FILE …;
default config.settings.base). The database must be migrated and hold no organisation tree yet:
`python -m tools.bench.run` creates a fresh one (mulin_bench_<tier>) and calls this.

Deterministic: the same tier, seed and end date give the same rows (ids included) on a fresh
database. Writes a manifest (JSON) with the counts, timings and the bench personas' logins.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

GENERATOR_FILES = ["generate.py", "tiers.py", "writer.py"]  # and every module of gen/, the apps' steps included


def generator_hash() -> str:
    """Changes whenever the generator's code or the schema (any migration) changes, so the
    harness knows to rebuild the dataset."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in [*(root / name for name in GENERATOR_FILES), *sorted((root / "gen").glob("*.py"))]:
        digest.update(path.read_bytes())
    for migration in sorted(root.parents[1].glob("mulin/*/migrations/*.py")):
        digest.update(migration.name.encode())
        digest.update(migration.read_bytes())
    return digest.hexdigest()[:16]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from tools.bench.tiers import DEFAULT_END, DEFAULT_SEED, TIERS

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tier", required=True, choices=sorted(TIERS), type=str.upper)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--end", type=dt.date.fromisoformat, default=DEFAULT_END.date(), help="last day of data")
    parser.add_argument(
        "--method",
        choices=["copy", "insert", "orm"],
        help="how rows are written (default: copy on PostgreSQL, insert on SQLite)",
    )
    parser.add_argument("--manifest", type=Path, help="where to write the manifest JSON")
    return parser.parse_args(argv)


def generate(
    tier_name: str, *, seed: int, end: dt.date, method: str | None = None, progress: bool = True
) -> dict[str, Any]:
    """Build the dataset; return the manifest. Django must be set up."""
    from django.apps import apps
    from django.db import connection, transaction

    from mulin.organizations.models import OrgUnit
    from tools.bench import writer
    from tools.bench.gen import steps
    from tools.bench.gen.context import GenContext
    from tools.bench.tiers import DEFAULT_END, TIERS

    if OrgUnit.objects.exists():
        raise SystemExit("The database already holds an organisation tree; generate into a fresh, migrated database.")
    writer.METHOD = method
    writer.STATS = writer.WriteStats()
    end_at = dt.datetime.combine(end, dt.time(), tzinfo=DEFAULT_END.tzinfo)
    ctx = GenContext(tier=TIERS[tier_name], seed=seed, end=end_at, rng=random.Random(seed))
    started = time.perf_counter()
    for step in steps():
        step_started = time.perf_counter()
        with transaction.atomic():
            step.run(ctx)
            # Later steps (and the services the personas step calls) insert with the sequences.
            writer.sequences_reset(apps.get_models())
        ctx.timings[step.name] = round(time.perf_counter() - step_started, 2)
        if progress:
            print(f"  {step.name:<14} {ctx.timings[step.name]:>7.1f} s", file=sys.stderr, flush=True)
    analyze_started = time.perf_counter()
    with connection.cursor() as cursor:
        # VACUUM (visibility map for index-only scans) cannot run inside a transaction, e.g. a test's.
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    ctx.timings["analyze"] = round(time.perf_counter() - analyze_started, 2)
    total = time.perf_counter() - started
    return {
        "tier": tier_name,
        "seed": seed,
        "end": end.isoformat(),
        "generator": generator_hash(),
        "database": connection.vendor,
        "database_name": str(connection.settings_dict["NAME"]),
        "method": writer.default_method(),
        "seconds": round(total, 1),
        "rows": writer.STATS.rows,
        "write_seconds": round(writer.STATS.seconds, 1),
        "rows_per_table": writer.STATS.per_table,
        "counts": ctx.counts,
        "timings": ctx.timings,
        "personas": ctx.extra.get("personas", {}),
    }


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    args = parse_args(argv)
    import django

    django.setup()
    manifest = generate(args.tier, seed=args.seed, end=args.end, method=args.method)
    print(
        f"tier {manifest['tier']}: {manifest['rows']:,} rows in {manifest['seconds']} s on {manifest['database']} "
        f"({manifest['method']}; writing {manifest['write_seconds']} s)"
    )
    for table, rows in sorted(manifest["rows_per_table"].items(), key=lambda item: -item[1]):
        print(f"  {table:<32} {rows:>10,}")
    if args.manifest:
        args.manifest.parent.mkdir(parents=True, exist_ok=True)
        args.manifest.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
