"""The benchmark scenarios (shared/BENCHMARKS.md) that the landed modules support, as lists of
requests. The same definitions drive the load runs, the profiled pass and the gate's test.

A request spec names the persona whose session sends it: "worker" (a community worker of the
bench community, signed in with password and TOTP) or "resident" (posts wishes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Spec:
    method: str
    path: str
    persona: str = "worker"
    form: tuple[tuple[str, str], ...] = ()
    expect: tuple[int, ...] = (200,)


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    kind: str  # "floor", "read", "write", "mixed"


SCENARIOS = [
    Scenario("F1", "floor: constant response, full middleware, signed in", "floor"),
    Scenario("F3", "floor: F1 + 25 rows in the base template", "floor"),
    Scenario("W1", "wish wall (community worker), filter, newest first, page 1", "read"),
    Scenario("W1-deep", "wish wall, page 1,000 by keyset cursor", "read"),
    Scenario("W2", "wish detail with its timeline", "read"),
    Scenario("W3", "post a wish (write + rollup)", "write"),
    Scenario("M1", "mixed: 40% W1, 10% W1-deep, 40% W2, 10% W3", "mixed"),
]
SCENARIO_IDS = [s.id for s in SCENARIOS]
READ_SCENARIOS = [s.id for s in SCENARIOS if s.kind in {"floor", "read"}]

W3_POSTS = 4000  # more than a tier M run posts, so no key repeats
M1_REQUESTS = 4000
TITLES = ["帮忙修理漏水的水龙头", "陪同老人去医院复诊", "代买一周的米和油", "辅导孩子数学作业", "帮忙换楼道灯泡"]


def wall_pages(data: dict[str, Any]) -> list[Spec]:
    """Page 1 of the wall as staff use it: everything public, by category, their community."""
    specs = [Spec("GET", "/wishes/?show=all")]
    specs += [Spec("GET", f"/wishes/?show=all&category={c}") for c in data["categories"]]
    specs += [Spec("GET", f"/wishes/?show=done&community={data['community_id']}")]
    specs += [Spec("GET", f"/wishes/?show=all&community={data['community_id']}&category={data['categories'][0]}")]
    return specs


def specs_for(scenario_id: str, data: dict[str, Any]) -> list[Spec]:
    """The requests of one scenario, in the order the load tools rotate through them."""
    if scenario_id == "F1":
        return [Spec("GET", "/bench/floor/constant/")]
    if scenario_id == "F3":
        return [Spec("GET", "/bench/floor/rows/")]
    if scenario_id == "W1":
        return wall_pages(data)
    if scenario_id == "W1-deep":
        return [Spec("GET", f"/wishes/?show=all&before={cursor}") for cursor in data["deep_cursors"]]
    if scenario_id == "W2":
        return [Spec("GET", f"/wishes/{wish_id}/") for wish_id in data["detail_ids"]]
    if scenario_id == "W3":
        # Each post carries its own one-time form key, as the form page gives every browser (a
        # repeated key would be answered from the idempotency record, not by posting again).
        token = data.get("run_token", "run")
        return [
            Spec(
                "POST",
                "/wishes/new/",
                persona="resident",
                form=(
                    ("idempotency_key", f"bench-{token}-{n:06d}"),
                    ("title", f"{TITLES[n % len(TITLES)]}（{n}）"),
                    ("category", str(data["categories"][n % len(data["categories"])])),
                    ("description", "测试：基准测试发布的心愿。"),
                    ("preferred_time", ""),
                    ("estimated_hours", ""),
                    ("estimated_value", ""),
                ),
                expect=(302,),
            )
            for n in range(W3_POSTS)
        ]
    if scenario_id == "M1":
        w1, deep, w2 = (specs_for(s, data) for s in ("W1", "W1-deep", "W2"))
        # M1's posts use keys of their own (W3 has spent its list by then).
        w3 = specs_for("W3", {**data, "run_token": data.get("run_token", "run") + "m"})
        mixed = []
        for n in range(M1_REQUESTS):
            slot = n % 10
            if slot < 4:
                mixed.append(w1[n % len(w1)])
            elif slot == 4:
                mixed.append(deep[n % len(deep)])
            elif slot < 9:
                mixed.append(w2[n % len(w2)])
            else:
                mixed.append(w3[n // 10])
        return mixed
    raise KeyError(scenario_id)
