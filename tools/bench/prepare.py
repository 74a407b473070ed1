"""Database-side helpers the harness runs as a subprocess (with the bench environment for one
database): remove the wishes earlier W3 runs posted, and pick the ids the scenarios request.

    python -m tools.bench.prepare --manifest FILE     → prints JSON
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

DEEP_PAGE = 1000
PAGE = 25


def prepare(manifest: dict[str, Any]) -> dict[str, Any]:
    from django.db import transaction

    from mulin.wishes.forms import STATUS_GROUPS
    from mulin.wishes.models import Wish, WishCategory
    from mulin.wishes.stats import wish_rollup_reconcile

    personas = manifest["personas"]
    community_id = personas["community_id"]
    resident_ids = [r["person_id"] for r in personas["residents"]]
    with transaction.atomic():
        # What W3 and M1 posted last time (bench residents' wishes): gone, and the rollup
        # put right by the module's reconcile, so every run starts from the generated data.
        removed, _ = Wish.objects.filter(wisher_id__in=resident_ids).delete()
        if removed:
            wish_rollup_reconcile(community_ids=[community_id], fix=True)
    public = Wish.objects.filter(status__in=STATUS_GROUPS["all"]).order_by("-id")
    visible = public.count()
    deep_page = min(DEEP_PAGE, max(1, visible // PAGE - 1))
    # The keyset cursors of pages deep_page … deep_page+9: the id of the last row of the page before.
    cursors = []
    for page in range(deep_page, deep_page + 10):
        offset = (page - 1) * PAGE - 1
        if offset < 0 or offset >= visible:
            continue
        cursors.append(public.values_list("id", flat=True)[offset])
    details = list(
        Wish.objects.filter(community_id=community_id, status__in=["closed", "closed", "fulfilled", "claimed"])
        .order_by("-id")
        .values_list("id", flat=True)[:400:2]
    )
    return {
        "community_id": community_id,
        "categories": list(WishCategory.objects.filter(is_active=True).order_by("order").values_list("id", flat=True)),
        "public_wishes": visible,
        "deep_page": deep_page,
        "deep_cursors": cursors,
        "detail_ids": details,
    }


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    parser = argparse.ArgumentParser()
    parser.add_argument("--manifest", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    import django

    django.setup()
    print(json.dumps(prepare(json.loads(args.manifest.read_text()))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
