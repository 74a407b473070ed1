"""Wishes with their whole lives: timeline events, helper suggestions, photos, notifications,
points credits and audit rows, then the statistics rollup rebuilt by the module's own
reconcile function (`stats.wish_rollup_reconcile`).

Each wish is walked through the same transitions the services allow (transitions.py), with
realistic delays, and stops wherever the data's end date falls, so recent wishes are still
awaiting verification, on the wall, claimed or fulfilled. Rows are written in time order.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from decimal import Decimal
from typing import Any

from mulin.core.masking import mask_name
from mulin.organizations.models import PartyMembership
from mulin.points.models import Account, LedgerEntry, PointRule
from mulin.points.selectors import rules_for_event
from mulin.points.services import _hours_for, _tenths
from mulin.wishes.models import Wish, WishCategory, WishEvent, WishPhoto, WishRollup, WishSuggestion
from mulin.wishes.stats import _expected_cells, wish_rollup_reconcile
from tools.bench.gen.context import GenContext, PersonRow, zipf_weights
from tools.bench.writer import IdAllocator, TableWriter

S, V, R = Wish.Status, WishEvent.Verb, WishEvent.ActorRole
UNCLAIMED_ALERT = dt.timedelta(days=3)
REMINDER, EXPIRY = dt.timedelta(days=7), dt.timedelta(days=14)

TITLES = {
    "daily-life": [
        "帮忙把旧家具搬下楼",
        "代买一周的米和油",
        "帮忙换一下楼道灯泡",
        "陪同去银行办理业务",
        "帮忙晾晒冬被",
        "帮忙收拾阳台杂物",
        "代取快递和药品",
        "帮忙疏通厨房下水道",
    ],
    "elderly": [
        "陪独居老人聊聊天",
        "陪同老人去医院复诊",
        "帮老人理发",
        "给高龄老人送一次午餐",
        "教老人使用智能手机挂号",
        "周末陪老人去运河边散步",
        "帮老人整理药箱",
        "为失能老人读报",
    ],
    "study": [
        "给三年级孩子辅导数学",
        "暑期陪读英语",
        "帮孩子检查作业",
        "教孩子学习毛笔字",
        "借几本中考复习资料",
        "辅导小学生作文",
        "帮忙讲解初中物理",
        "陪孩子练习朗读",
    ],
    "health": [
        "帮忙测量血压并记录",
        "讲解糖尿病饮食",
        "陪同做康复训练",
        "代为预约社区体检",
        "讲解老年人防跌倒",
        "帮忙整理病历资料",
    ],
    "repair": [
        "修理漏水的水龙头",
        "更换门锁",
        "修理不亮的台灯",
        "修理摇晃的椅子",
        "检查电热水器",
        "修补纱窗",
        "修理电视机顶盒",
        "更换卫生间灯具",
    ],
    "culture": ["教几首越剧唱段", "帮写春联", "教跳广场舞", "陪同参观运河博物馆", "教剪纸"],
    "other": ["帮忙写一封感谢信", "帮忙填写申请表格", "帮忙联系物业", "帮忙给花草换盆", "帮忙遛狗一周"],
}
DETAILS = [
    "行动不便，希望有人上门帮忙。",
    "家里只有老两口，子女在外地。",
    "时间可以商量，白天都在家。",
    "周末比较方便。",
    "谢谢热心的邻居！",
    "不急，这两周内都可以。",
    "最好上午来，下午要午睡。",
]
REASONS = ["属于物业维修范围，已转物业处理", "内容不够具体，请补充后再发布", "涉及费用较高，建议申请专项救助"]
NOTES = ["已上门完成，老人很满意。", "已修好，顺便检查了其他地方。", "陪同完成，约好下次再去。", "已送达并讲解了用法。"]
THANKS = ["谢谢你，好人一生平安！", "非常感谢，帮了大忙。", "小伙子很热心，谢谢！", "", "", "感谢党员同志！"]
# Share of wishes per category (生活帮扶 and 助老 dominate in the Daguan reports).
CATEGORY_WEIGHT = {"daily-life": 30, "elderly": 26, "study": 11, "health": 9, "repair": 14, "culture": 4, "other": 6}


class WishLife:
    """One wish walked through its transitions up to the data's end date."""

    def __init__(self, ctx: GenContext, wish_id: int, created: dt.datetime, community: int) -> None:
        self.ctx, self.id, self.created, self.community = ctx, wish_id, created, community
        self.events: list[tuple[Any, ...]] = []
        self.fields: dict[str, Any] = {}
        self.updated = created


def generate(ctx: GenContext) -> None:
    rng, tier = ctx.rng, ctx.tier
    categories = {c.code: c for c in WishCategory.objects.filter(is_active=True)}
    codes = [code for code in CATEGORY_WEIGHT if code in categories]
    code_weights = [CATEGORY_WEIGHT[c] for c in codes]
    rules = rules_for_event("wishes.closed")
    community_weights = [len(ctx.residents_by_community[i]) for i in range(len(ctx.communities))]
    # Who posts: older residents far more, and a few regulars very often (Zipf over a shuffled list).
    wisher_pools = {}
    for index, residents in ctx.residents_by_community.items():
        pool = list(residents)
        rng.shuffle(pool)
        weights = [
            w * (3.0 if p.birth_year < 1960 else 1.0) for w, p in zip(zipf_weights(len(pool), 0.35), pool, strict=True)
        ]
        wisher_pools[index] = (pool, list(itertools.accumulate(weights)))
    helper_pools = {}
    for index, helpers in ctx.helpers_by_community.items():
        pool = list(helpers)
        rng.shuffle(pool)
        helper_pools[index] = (pool, list(itertools.accumulate(zipf_weights(len(pool), 0.9))))
    all_helpers = [p for pool, _w in helper_pools.values() for p in pool]

    wish_ids, event_ids = IdAllocator(Wish), IdAllocator(WishEvent)
    photo_ids, suggestion_ids = IdAllocator(WishPhoto), IdAllocator(WishSuggestion)
    wishes = TableWriter(Wish, WISH_COLUMNS)
    events: list[tuple[Any, ...]] = []
    photos: list[tuple[Any, ...]] = []
    suggestions: list[tuple[Any, ...]] = []
    end = ctx.end
    times = ctx.sample_times(tier.wishes)
    communities = rng.choices(range(len(ctx.communities)), community_weights, k=tier.wishes)

    def helper_for(index: int, exclude: int) -> PersonRow:
        pool, cumulative = helper_pools.get(index) or (all_helpers, None)
        for _ in range(10):
            # Party members serve street-wide: one claim in eight comes from another community.
            person = rng.choice(all_helpers) if rng.random() < 0.12 else rng.choices(pool, cum_weights=cumulative)[0]
            if person.id != exclude:
                return person
        return next(p for p in all_helpers if p.id != exclude)

    for created, index in zip(times, communities, strict=True):
        wish_id = wish_ids.take()
        community = ctx.communities[index]
        pool, cumulative = wisher_pools[index]
        wisher = rng.choices(pool, cum_weights=cumulative)[0]
        compound = ctx.units[wisher.compound_id]
        staff = [ctx.secretaries[index], *ctx.workers[index]]
        entered = wisher.user_id is None or rng.random() < 0.1
        clerk = rng.choice(staff) if entered else None
        code = rng.choices(codes, code_weights)[0]
        category = categories[code]
        title = rng.choice(TITLES[code])
        hours = (
            category.default_hours if rng.random() < 0.6 else Decimal(rng.choice([1, 2, 3, 4])).quantize(Decimal("0.1"))
        )
        url = f"/wishes/{wish_id}/"
        params = {"title": title}
        ev: list[tuple[Any, ...]] = []
        state: dict[str, Any] = {
            "status": S.SUBMITTED,
            "published_at": None,
            "listed_at": None,
            "claimant": None,
            "claimant_name": "",
            "claimant_unit": None,
            "claimed_at": None,
            "first_claimed_at": None,
            "fulfilled_at": None,
            "fulfilment_note": "",
            "fulfilment_hours": None,
            "closed_at": None,
            "confirmed_by": None,
            "rating": None,
            "thanks": "",
            "withdrawn_at": None,
            "rejection_reason": "",
            "stage": 0,
            "updated": created,
        }

        def event(
            at: dt.datetime,
            verb: str,
            actor: PersonRow | None,
            role: str,
            note: str = "",
            name: str = "",
            _ev: list = ev,
            _state: dict = state,
        ) -> None:
            _ev.append((at, verb, actor.id if actor else None, role, name, note))
            _state["updated"] = at

        def audit(
            at: dt.datetime,
            verb: str,
            actor: PersonRow | None,
            data: dict[str, Any] | None = None,
            _id: int = wish_id,
            _path: str = compound.path,
        ) -> None:
            ctx.audit_event(
                at,
                f"wishes.{verb}",
                actor=actor,
                target_type="wishes.wish",
                target_id=str(_id),
                scope_path=_path,
                data=data,
            )

        if entered:
            event(created, V.ENTERED, clerk, R.STAFF)
        else:
            event(created, V.SUBMITTED, wisher, R.WISHER)
        audit(created, "submitted", clerk or wisher, {"on_behalf": entered})
        moderated = created + ctx.lognormal_hours(5, 1.0)
        moderator = rng.choice(staff)
        outcome = rng.random()
        if moderated <= end and outcome < 0.04:
            reason = rng.choice(REASONS)
            state.update(status=S.REJECTED, rejection_reason=reason)
            event(moderated, V.REJECTED, moderator, R.STAFF, note=reason)
            audit(moderated, "rejected", moderator)
            ctx.notify(moderated, wisher, "wishes.rejected", params, url)
        elif moderated <= end and outcome < 0.05:
            state.update(status=S.WITHDRAWN, withdrawn_at=moderated)
            event(moderated, V.WITHDRAWN, clerk or wisher, R.STAFF if entered else R.WISHER)
            audit(moderated, "withdrawn", clerk or wisher, {"by": R.STAFF if entered else R.WISHER})
        elif moderated <= end:
            state.update(status=S.PUBLISHED, published_at=moderated, listed_at=moderated)
            event(moderated, V.PUBLISHED, moderator, R.STAFF)
            audit(moderated, "published", moderator)
            ctx.notify(moderated, wisher, "wishes.published", params, url)
            _suggest(
                ctx,
                wish_id,
                moderated,
                wisher,
                compound.id,
                category,
                helper_pools.get(index),
                suggestion_ids,
                suggestions,
                {"title": title, "place": compound.name},
                url,
            )
            _claims(
                ctx,
                state,
                event,
                audit,
                helper_for,
                index,
                wisher,
                staff,
                params,
                url,
                hours,
                photos,
                photo_ids,
                wish_id,
                clerk,
            )
        if state["status"] == S.CLOSED:
            claimant = ctx.person(state["claimant"])
            entries = _credit(ctx, rules, claimant, wish_id, state, community.path, title)
            points = sum((e for e in entries), Decimal(0))
            ctx.notify(
                state["closed_at"],
                claimant,
                "wishes.closed",
                {"title": title, "rating": state["rating"], "points": f"{points:g}"},
                url,
            )
        for at, verb, actor_id, role, name, note in ev:
            events.append((at, wish_id, verb, actor_id, role, name, note))
        wishes.add(
            wish_id,
            community.id,
            compound.id,
            compound.path,
            wisher.id,
            clerk.id if clerk else None,
            wisher.full_name if wisher.shows_full_name else mask_name(wisher.full_name),
            title,
            rng.choice(DETAILS),
            category.pk,
            hours,
            None,
            rng.choice(["", "", "weekday_morning", "weekend_morning", "weekday_afternoon"]),
            state["status"],
            state["rejection_reason"],
            state["published_at"],
            state["listed_at"],
            state["claimant"],
            state["claimant_name"],
            state["claimant_unit"],
            state["claimed_at"],
            state["first_claimed_at"],
            state["fulfilled_at"],
            state["fulfilment_note"],
            state["fulfilment_hours"],
            state["closed_at"],
            state["confirmed_by"],
            state["rating"],
            state["thanks"],
            state["withdrawn_at"],
            state["stage"],
            created,
            state["updated"],
        )
    wishes.flush()
    events.sort(key=lambda row: row[0])
    writer = TableWriter(WishEvent, ["id", "created_at", "wish", "verb", "actor", "actor_role", "actor_name", "note"])
    for row in events:
        writer.add(event_ids.take(), *row)
    writer.flush()
    photos.sort(key=lambda row: row[0])
    writer = TableWriter(
        WishPhoto,
        [
            "created_at",
            "updated_at",
            "id",
            "uuid",
            "wish",
            "uploaded_by",
            "file_name",
            "content_type",
            "width",
            "height",
            "size_bytes",
        ],
    )
    for row in photos:
        writer.add(row[0], row[0], photo_ids.take(), *row[1:])
    writer.flush()
    suggestions.sort(key=lambda row: row[0])
    writer = TableWriter(WishSuggestion, ["created_at", "id", "wish", "person", "score", "reasons", "notified_at"])
    for row in suggestions:
        writer.add(row[0], suggestion_ids.take(), *row[1:])
    writer.flush()
    # The rollup is empty so far (rows were not written through the services). Build it with the
    # module's own rebuild (`_expected_cells`, what the nightly reconcile compares against), then
    # let the reconcile itself confirm that the table agrees with the wishes.
    rollup_ids = IdAllocator(WishRollup)
    writer = TableWriter(WishRollup, ["id", "community", "month", "metric", "bucket", "count"])
    for (community_id, month, metric, bucket), count in sorted(_expected_cells(None).items()):
        writer.add(rollup_ids.take(), community_id, month, metric, bucket, count)
    writer.flush()
    report = wish_rollup_reconcile()
    if not report.agrees:
        raise RuntimeError(f"The wish rollup disagrees with the wishes in {report.wrong_cells} cells.")
    ctx.counts.update(
        wishes=wishes.written,
        wish_events=len(events),
        wish_photos=len(photos),
        wish_suggestions=len(suggestions),
        wish_rollup_cells=report.checked_cells,
    )


WISH_COLUMNS = [
    "id",
    "community",
    "place",
    "scope_path",
    "wisher",
    "entered_by",
    "public_name",
    "title",
    "description",
    "category",
    "estimated_hours",
    "estimated_value",
    "preferred_time",
    "status",
    "rejection_reason",
    "published_at",
    "listed_at",
    "claimant",
    "claimant_name",
    "claimant_unit",
    "claimed_at",
    "first_claimed_at",
    "fulfilled_at",
    "fulfilment_note",
    "fulfilment_hours",
    "closed_at",
    "confirmed_by",
    "rating",
    "thanks",
    "withdrawn_at",
    "escalation_stage",
    "created_at",
    "updated_at",
]


def _suggest(ctx, wish_id, at, wisher, compound_id, category, pool_weights, ids, out, params, url):  # type: ignore[no-untyped-def]
    """What the matcher stores when a wish is published: five helpers, the best three told."""
    if not pool_weights:
        return
    rng = ctx.rng
    pool, cumulative = pool_weights
    chosen: dict[int, PersonRow] = {}
    for person in rng.choices(pool, cum_weights=cumulative, k=8):
        if person.id != wisher.id:
            chosen[person.id] = person
    scored = []
    for person in chosen.values():
        score, reasons = 0, []
        if person.compound_id == compound_id:
            score, reasons = 40, ["same_compound"]
        else:
            score, reasons = 25, ["same_community"]
        if set(person.skills) & set(category.skills or []):
            score, reasons = score + 30, [*reasons, "skills"]
        if person.availability:
            score += 3
        scored.append((score, person))
    scored.sort(key=lambda item: (-item[0], item[1].id))
    told = at + dt.timedelta(seconds=rng.randint(2, 40))
    for rank, (score, person) in enumerate(scored[:5]):
        reasons = ["same_compound"] if person.compound_id == compound_id else ["same_community"]
        if set(person.skills) & set(category.skills or []):
            reasons.append("skills")
        out.append((at, wish_id, person.id, score, reasons, told if rank < 3 else None))
        if rank < 3:
            ctx.notify(told, person, "wishes.suggested", params, url)


def _claims(
    ctx,
    state,
    event,
    audit,
    helper_for,
    index,
    wisher,
    staff,
    params,
    url,
    hours,
    photos,
    photo_ids,  # type: ignore[no-untyped-def]
    wish_id,
    clerk,
):
    rng, end = ctx.rng, ctx.end
    never_claimed = rng.random() < 0.025
    for _round in range(4):
        listed = state["listed_at"]
        claim_at = listed + ctx.lognormal_hours(16, 1.2)
        if never_claimed:
            claim_at = listed + dt.timedelta(days=rng.randint(10, 25))
        if listed + UNCLAIMED_ALERT < min(claim_at, end) and state["stage"] == 0:
            alert = listed + UNCLAIMED_ALERT
            state["stage"] = Wish.Escalation.UNCLAIMED_ALERTED
            event(alert, V.UNCLAIMED_ALERT, None, R.SYSTEM)
            audit(alert, "unclaimed_alert", None)
            ctx.notify(alert, ctx.secretaries[index], "wishes.unclaimed", {**params, "days": 3}, url)
        if claim_at > end:
            return
        if never_claimed:
            state.update(status=S.WITHDRAWN, withdrawn_at=claim_at, stage=0)
            event(claim_at, V.WITHDRAWN, clerk or wisher, R.STAFF if clerk else R.WISHER)
            audit(claim_at, "withdrawn", clerk or wisher, {"by": R.STAFF if clerk else R.WISHER})
            return
        claimant = helper_for(index, wisher.id)
        honour = claimant.branch_id if claimant.member_status else claimant.partner_unit_id
        state.update(
            status=S.CLAIMED,
            claimant=claimant.id,
            claimant_name=claimant.full_name,
            claimant_unit=honour,
            claimed_at=claim_at,
            first_claimed_at=state["first_claimed_at"] or claim_at,
            stage=0,
        )
        event(claim_at, V.CLAIMED, claimant, R.CLAIMANT, name=claimant.full_name)
        audit(claim_at, "claimed", claimant)
        ctx.notify(claim_at, wisher, "wishes.claimed", {**params, "claimant": claimant.full_name}, url)
        fulfil_at = claim_at + ctx.lognormal_hours(36, 0.9)
        released = rng.random() < 0.05
        if released:
            release_at = claim_at + ctx.lognormal_hours(30, 0.6)
            if release_at > end:
                return
            _release(state, release_at)
            event(release_at, V.RELEASED, claimant, R.CLAIMANT)
            audit(release_at, "released", claimant, {"by": R.CLAIMANT})
            ctx.notify(release_at, wisher, "wishes.released", params, url)
            continue
        if claim_at + REMINDER < min(fulfil_at, end):
            state["stage"] = Wish.Escalation.CLAIMANT_REMINDED
            event(claim_at + REMINDER, V.CLAIM_REMINDER, None, R.SYSTEM)
            ctx.notify(claim_at + REMINDER, claimant, "wishes.claim_reminder", {**params, "days": 7}, url)
        if claim_at + EXPIRY < min(fulfil_at, end):
            expired = claim_at + EXPIRY
            _release(state, expired)
            event(expired, V.CLAIM_EXPIRED, None, R.SYSTEM)
            audit(expired, "claim_expired", None)
            for person in [claimant, ctx.secretaries[index]]:
                ctx.notify(expired, person, "wishes.claim_expired", {**params, "days": 14}, url)
            continue
        if fulfil_at > end:
            return
        note = rng.choice(NOTES)
        given = hours if rng.random() < 0.7 else Decimal(rng.choice(["1.0", "1.5", "2.0", "3.0"]))
        state.update(status=S.FULFILLED, fulfilled_at=fulfil_at, fulfilment_note=note, fulfilment_hours=given, stage=0)
        count = rng.choice([1, 1, 2, 3])
        for _ in range(count):
            photo_uuid = uuid.UUID(int=rng.getrandbits(128), version=4)
            size = rng.randint(60_000, 400_000)
            photos.append(
                (
                    fulfil_at,
                    photo_uuid,
                    wish_id,
                    claimant.id,
                    f"wishes/{photo_uuid.hex}.jpg",
                    "image/jpeg",
                    1280,
                    960,
                    size,
                )
            )
        event(fulfil_at, V.FULFILLED, claimant, R.CLAIMANT, note=note, name=claimant.full_name)
        audit(fulfil_at, "fulfilled", claimant, {"photos": count})
        ctx.notify(fulfil_at, wisher, "wishes.fulfilled", params, url)
        confirmer = clerk if clerk is not None else wisher
        confirm_at = fulfil_at + (ctx.lognormal_hours(60, 0.6) if clerk else ctx.lognormal_hours(14, 1.0))
        if confirm_at > end:
            return
        rating = rng.choices([5, 4, 3, 2], [78, 17, 4, 1])[0]
        thanks = rng.choice(THANKS)
        role = R.STAFF if clerk else R.WISHER
        state.update(status=S.CLOSED, closed_at=confirm_at, confirmed_by=confirmer.id, rating=rating, thanks=thanks)
        event(confirm_at, V.CONFIRMED, confirmer, role, note=thanks)
        audit(confirm_at, "closed", confirmer, {"by": role, "rating": rating})
        return


def _release(state: dict[str, Any], at: dt.datetime) -> None:
    state.update(
        status=S.PUBLISHED, claimant=None, claimant_name="", claimant_unit=None, claimed_at=None, listed_at=at, stage=0
    )


COUNTING = frozenset({PartyMembership.Status.FULL, PartyMembership.Status.PROBATIONARY})


def _credit(ctx, rules, claimant, wish_id, state, scope_path, title):  # type: ignore[no-untyped-def]
    """The credits points_award books when a wish is confirmed: one per active rule, the
    members-only rule for full and probationary party members."""
    service_points = []
    for rule in rules:
        if rule.applies_to == PointRule.AppliesTo.PARTY_MEMBERS and claimant.member_status not in COUNTING:
            continue
        hours = _hours_for(rule, state["fulfilment_hours"]) if rule.account == Account.SERVICE else Decimal(0)
        points = _tenths(rule.points)
        ctx.credit(
            (
                state["closed_at"],
                claimant.id,
                rule.account,
                LedgerEntry.Kind.CREDIT,
                points,
                hours,
                rule.pk,
                "wishes.wish",
                str(wish_id),
                None,
                state["fulfilled_at"],
                scope_path,
                title[:200],
                "",
                None,
            )
        )
        if rule.account == Account.SERVICE:
            service_points.append(points)
    return service_points
