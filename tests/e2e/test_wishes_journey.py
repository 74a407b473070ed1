"""The micro-wish journey of issue 3 in a phone browser, with the demo street's accounts:
resident 13800000005 posts → secretary 13800000002 verifies and publishes → member 13800000004
claims, sees the contact and fulfils with a photo → the resident confirms → the member's points
grow by the rule's amount exactly once, and the wall shows the honour."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from PIL import Image

pytestmark = pytest.mark.e2e
TITLE = "楼道灯坏了，想请人帮忙换一下"


@pytest.fixture
def photo(tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    path = tmp_path / "fixed.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (240, 200, 80)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def _balance(page) -> Decimal:  # type: ignore[no-untyped-def]
    page.goto("/points/")
    return Decimal(page.inner_text("[data-testid=balance-points] strong"))


def _status(page) -> str:  # type: ignore[no-untyped-def]
    return page.get_attribute("[data-testid=wish-status]", "data-status")


def test_resident_posts_secretary_publishes_member_claims_and_fulfils_resident_confirms(
    demo_street, new_page, sign_in, sign_out, photo, results_dir
):  # type: ignore[no-untyped-def]
    from mulin.points.models import LedgerEntry, PointRule
    from mulin.wishes.models import Wish

    rule_points = PointRule.objects.get(code="wish-fulfilled").points

    # The member's balance before.
    member = new_page()
    sign_in(member, "13800000004")
    before = _balance(member)

    # 1. The resident posts a wish from the wall.
    resident = new_page()
    sign_in(resident, "13800000005")
    resident.goto("/wishes/")
    resident.click("[data-testid=post-wish]")
    resident.fill("input[name=title]", TITLE)
    resident.select_option("select[name=category]", label="维修")
    resident.fill("textarea[name=description]", "三楼楼道的灯不亮，晚上上下楼看不见。")
    resident.click("[data-testid=wish-submit]")
    resident.wait_for_url(re.compile(r"/wishes/\d+/$"))
    wish_url = resident.url.removeprefix(resident.url.split("/wishes/")[0])
    assert _status(resident) == "submitted"
    assert resident.inner_text("[data-testid=wisher-name]") == "王**"

    # 2. The community secretary finds it in the verification queue and publishes it.
    secretary = new_page()
    sign_in(secretary, "13800000002")
    secretary.goto("/wishes/review/")
    secretary.click(f"[data-testid=review-queue] >> text={TITLE}")
    secretary.click("[data-testid=action-publish]")
    assert _status(secretary) == "published"

    # 3. The member claims it, reads the wisher's contact, and fulfils it with a photo.
    member.goto(wish_url)
    member.click("[data-testid=action-claim]")
    assert _status(member) == "claimed"
    member.click("[data-testid=show-contact]")
    assert "王秀英" in member.inner_text("[data-testid=wish-contact]")
    member.fill("textarea[name=note]", "换了一个新的节能灯泡，顺便检查了开关。")
    member.fill("input[name=hours]", "1")
    member.set_input_files("input[name=photos]", str(photo))
    member.click("[data-testid=action-fulfil]")
    assert _status(member) == "fulfilled"
    assert member.locator("[data-testid=photos] img").count() == 1
    member.screenshot(path=str(results_dir / "wish-fulfilled.png"), full_page=True)

    # 4. The resident confirms, thanks and rates.
    resident.goto(wish_url)
    resident.check("input[name=rating][value='5']")
    resident.fill("input[name=thanks]", "谢谢汪师傅！")
    resident.click("[data-testid=action-confirm]")
    assert _status(resident) == "closed"
    # The same confirmation sent once more (a double tap on a slow line) is refused and books nothing.
    token = resident.get_attribute("meta[name=csrf-token]", "content")
    again = resident.request.post(f"{wish_url}confirm/", form={"rating": "5", "csrfmiddlewaretoken": token})
    assert again.ok
    assert "message-error" in again.text()  # "Only a fulfilled wish can be confirmed."
    resident.goto(wish_url)
    assert _status(resident) == "closed"

    # 5. The member's points grew by the rule's amount, exactly once.
    assert _balance(member) == before + rule_points
    wish = Wish.objects.get(title=TITLE)
    credits = LedgerEntry.objects.filter(source_type="wishes.wish", source_id=str(wish.pk), account="service")
    assert [(entry.person.full_name, entry.points) for entry in credits] == [("汪孙聚", rule_points)]

    # 6. The wall honours the helper, seen by someone of another community.
    sign_out(resident)
    volunteer = new_page()
    sign_in(volunteer, "13800000007")
    volunteer.goto("/wishes/?show=done")
    card = volunteer.locator("[data-testid=wish-card]", has_text=TITLE)
    assert "汪孙聚" in card.inner_text()
    assert "德胜社区第十支部" in card.inner_text()
    assert "王秀英" not in volunteer.content()
    volunteer.screenshot(path=str(results_dir / "wish-wall-honour.png"), full_page=True)
