"""The roundtable journey of issue 13 in a phone browser, with the demo street's accounts:
resident 13800000005 raises a topic → typing a near duplicate, she is shown it as a similar topic →
secretary 13800000002 schedules a roundtable → the participant votes → the action item (a work
order) is completed → the resident rates it and the topic closes.

The work order's own steps (start, fix with a photo, verify, close) are the work-order module's
journey; here they run through its services."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

pytestmark = pytest.mark.e2e
TITLE = "南八苑5幢门口路灯坏了，晚上看不清路"
NEAR_DUPLICATE = "5幢门口的灯不亮，晚上黑漆漆"


def _status(page) -> str:  # type: ignore[no-untyped-def]
    return page.get_attribute("[data-testid=topic-status]", "data-status")


def _tall_enough(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    box = page.locator(selector).first.bounding_box()
    assert box is not None and box["height"] >= 44, f"{selector} is {box and box['height']}px tall"


def _photo():  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 170, 100)).save(buffer, format="JPEG")
    return SimpleUploadedFile("fixed.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_raise_suggest_schedule_vote_act_rate_close(demo_street, new_page, sign_in, results_dir, settings, tmp_path):  # type: ignore[no-untyped-def]
    from mulin.organizations.models import Person
    from mulin.organizations.scoping import actor_for_person
    from mulin.roundtable.models import Topic
    from mulin.workorders import services as workorders
    from mulin.workorders.models import WorkOrder

    settings.MEDIA_ROOT = str(tmp_path / "media")

    # 1. The resident raises a topic about her compound.
    resident = new_page()
    sign_in(resident, "13800000005")
    resident.goto("/roundtable/")
    resident.click("[data-testid=raise-topic]")
    resident.select_option("select[name=place]", label="南八苑")
    resident.fill("input[name=title]", TITLE)
    _tall_enough(resident, "[data-testid=topic-submit]")
    resident.click("[data-testid=topic-submit]")
    resident.wait_for_url(re.compile(r"/roundtable/\d+/$"))
    topic_url = resident.url.removeprefix(resident.url.split("/roundtable/")[0])
    assert _status(resident) == "open"

    # 2. Typing a near duplicate, she is shown her topic as a similar one (htmx, no inline script).
    resident.goto("/roundtable/new/")
    resident.type("input[name=title]", NEAR_DUPLICATE, delay=20)
    suggestion = resident.locator("[data-testid=similar-topic]", has_text=TITLE)
    suggestion.wait_for()
    resident.screenshot(path=str(results_dir / "roundtable-similar.png"), full_page=True)

    # 3. The community secretary schedules a roundtable with the topic on its agenda and puts a
    #    question to an open vote.
    topic = Topic.objects.get(title=TITLE)
    secretary = new_page()
    sign_in(secretary, "13800000002")
    secretary.goto(f"/roundtable/meetings/new/?topic={topic.pk}")
    secretary.fill("input[name=title]", "南八苑百姓圆桌会：5幢路灯")
    secretary.fill("input[name=starts_at]", "2026-12-20T19:00")
    secretary.fill("input[name=location]", "南八苑党建驿站")
    secretary.click("[data-testid=meeting-submit]")
    secretary.wait_for_url(re.compile(r"/roundtable/meetings/\d+/$"))
    meeting_url = secretary.url.removeprefix(secretary.url.split("/roundtable/")[0])
    secretary.click("text=提交表决，或记录协商一致的结果")
    secretary.select_option("select[name=decision-topic]", str(topic.pk))
    secretary.fill("input[name=decision-question]", "路灯怎么修？")
    secretary.fill("textarea[name=decision-options]", "物业本周更换灯具\n报街道统一改造")
    secretary.click("[data-testid=decision-submit]")
    assert secretary.locator("[data-testid=decision]").count() == 1

    # 4. The resident, a participant, votes; the secretary closes the vote and the topic is decided.
    resident.goto(meeting_url)
    resident.check("input[name$=-option] >> nth=0")
    _tall_enough(resident, "[data-testid=vote-submit]")
    resident.click("[data-testid=vote-submit]")
    assert resident.locator("[data-testid=voted]").count() == 1
    secretary.goto(meeting_url)
    secretary.click("[data-testid=close-vote]")
    assert "物业本周更换灯具" in secretary.inner_text("[data-testid=decision-outcome]")

    # 5. The secretary files the action item for 物业 as a work order; it is fixed and closed.
    secretary.goto(topic_url)
    assert _status(secretary) == "decided"
    secretary.click("text=登记办理事项")
    secretary.fill("input[name=action-title]", "更换5幢门口路灯")
    secretary.select_option("select[name=action-owner]", label="南八苑物业服务中心")
    secretary.click("[data-testid=action-submit]")
    assert _status(secretary) == "in_progress"
    order = WorkOrder.objects.get(title="更换5幢门口路灯")
    staff = actor_for_person(Person.objects.get(full_name="周丽华"))
    workorders.work_order_start(actor=staff, order=order)
    workorders.work_order_resolve(actor=staff, order=order, note="已更换LED灯具", photos=[_photo()])
    workorders.work_order_verify(actor=staff, order=order)
    workorders.work_order_close(actor=staff, order=order)
    secretary.goto(topic_url)
    secretary.click("[data-testid=complete]")
    assert _status(secretary) == "rating"

    # 6. The resident rates it; everyone asked has rated, so the topic closes.
    resident.goto(topic_url)
    resident.check("input[name=rate-score][value='5']")
    _tall_enough(resident, "[data-testid=rate-submit]")
    resident.click("[data-testid=rate-submit]")
    assert _status(resident) == "closed"
    assert resident.get_attribute("[data-testid=topic-rating]", "data-average") == "5.00"
    resident.screenshot(path=str(results_dir / "roundtable-closed.png"), full_page=True)
