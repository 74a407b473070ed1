"""The river-patrol journey of issue 11 in a phone browser, with the demo street's accounts: the
folk river chief 汪孙聚 (13800000004) logs a patrol of 德胜社区's segment with a photo and a problem
→ a work order appears for 德胜社区 → the street's staff (13800000001) accept it, dispatch it to the
river office and record the fix with a photo → the member checks it is fixed → staff close it →
the segment's diary shows the patrol and the closed order. On the way the patrol form keeps its
draft on the phone across a reload and while offline."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

pytestmark = pytest.mark.e2e
PROBLEM = "德胜桥下有一片漂浮垃圾"


@pytest.fixture
def photo(tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    path = tmp_path / "river.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (60, 130, 170)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def _status(page) -> str:  # type: ignore[no-untyped-def]
    return page.get_attribute("[data-testid=order-status]", "data-status")


def _act(page, action: str) -> None:  # type: ignore[no-untyped-def]
    button = page.locator(f"[data-testid=action-{action}]")
    details = button.locator("xpath=ancestor::details")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    with page.expect_navigation():
        button.click()


def test_member_logs_a_patrol_with_a_problem_that_is_fixed_and_closed_and_the_diary_shows_both(
    demo_street, new_page, sign_in, photo, results_dir
):  # type: ignore[no-untyped-def]
    from mulin.patrols.models import PatrolLog, Segment
    from mulin.workorders.models import WorkOrder

    segment = Segment.objects.get(river__name="胜利河", community__name="德胜社区")

    # 1. The member opens the segment's diary and logs a patrol with a photo and a problem.
    member = new_page()
    sign_in(member, "13800000004")
    member.goto(f"/patrols/segments/{segment.pk}/")
    member.click("[data-testid=log-patrol]")
    member.check("input[name=water_colour][value=greenish]")
    member.fill("input[name=clarity_cm]", "55")
    member.check("input[name=floating_litter][value='2']")
    member.fill("textarea[name=notes]", "桥下有垃圾聚集，其余河段干净。")
    # The draft stays on the phone: a reload brings back what was typed (photos are added again).
    member.reload()
    assert member.input_value("textarea[name=notes]") == "桥下有垃圾聚集，其余河段干净。"
    assert member.input_value("input[name=clarity_cm]") == "55"
    assert member.is_checked("input[name=water_colour][value=greenish]")
    assert member.is_visible("[data-testid=draft-status]")
    member.set_input_files("input[name=photos]", str(photo))
    member.check("input[name=problem_found]")
    member.select_option("select[name=problem_category]", label="河面漂浮物")
    member.fill("input[name=problem_title]", PROBLEM)
    # Offline, the form waits on the phone and is sent when the connection returns.
    member.context.set_offline(True)
    member.click("[data-testid=patrol-submit]")
    assert "/patrols/new/" in member.url
    assert member.is_visible("[data-testid=draft-status]")
    assert PatrolLog.objects.filter(notes__startswith="桥下有垃圾").count() == 0
    member.context.set_offline(False)
    member.wait_for_url(re.compile(r"/patrols/logs/\d+/$"))
    assert member.evaluate("localStorage.getItem('mulin-patrol-draft')") is None
    log = PatrolLog.objects.latest("id")
    assert log.photos.count() == 1
    member.screenshot(path=str(results_dir / "patrol-logged.png"), full_page=True)

    # 2. A work order for 德胜社区 came from it.
    order = WorkOrder.objects.get(title=PROBLEM)
    assert (order.community.name, order.source_id, order.status) == ("德胜社区", log.pk, "reported")
    member.click(f"[data-testid=patrol-orders] >> text={PROBLEM}")
    assert _status(member) == "reported"
    order_url = f"/workorders/{order.pk}/"

    # 3. The street's staff accept it, send it to the river office and record the fix with a photo.
    staff = new_page()
    sign_in(staff, "13800000001")
    staff.goto(order_url)
    _act(staff, "accept")
    assert _status(staff) == "accepted"
    staff.select_option("select[name=dispatch-party]", label="拱墅区河道监管中心")
    _act(staff, "dispatch")
    assert _status(staff) == "dispatched"
    staff.locator("[data-testid=action-resolve]").locator("xpath=ancestor::details").locator("summary").click()
    staff.fill("[name=resolve-note]", "保洁船已打捞干净。")
    staff.set_input_files("input[name=resolve-photos]", str(photo))
    _act(staff, "resolve")
    assert _status(staff) == "resolved"

    # 4. The member checks the fix; the staff close the order.
    member.goto(order_url)
    _act(member, "verify")
    assert _status(member) == "verified"
    staff.goto(order_url)
    _act(staff, "close")
    assert _status(staff) == "closed"

    # 5. The segment's diary shows the patrol and the closed order.
    member.goto(f"/patrols/segments/{segment.pk}/")
    entry = member.locator("[data-testid=diary-entry]").first
    assert "桥下有垃圾聚集" in entry.inner_text()
    assert PROBLEM in entry.locator("[data-testid=diary-order]").inner_text()
    assert entry.locator("[data-testid=diary-order-status]").get_attribute("data-status") == "closed"
    member.screenshot(path=str(results_dir / "segment-diary.png"), full_page=True)
