"""The wish pages in the browser: who gets what, privacy on the wall, the action buttons, and
query counts that do not grow with the number of wishes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mulin.core.models import AuditEvent
from mulin.organizations.tests.factories import actor
from mulin.points.models import LedgerEntry
from mulin.wishes.models import Wish
from mulin.wishes.services import wish_claim, wish_fulfil, wish_publish, wish_submit
from mulin.wishes.tests.factories import category, jpeg_upload, make_wish

pytestmark = pytest.mark.django_db
S = Wish.Status


def _wishes(cast, n: int) -> list[Wish]:  # type: ignore[no-untyped-def]
    """n public wishes in mixed states, with honours."""
    made = []
    helpers = [cast.member, cast.member2, cast.volunteer, cast.partner]
    for i in range(n):
        wish = wish_submit(
            actor=actor(cast.resident), title=f"心愿{i}", category=category(("repair", "elderly")[i % 2])
        )
        wish_publish(actor=actor(cast.nanyuan_worker), wish=wish)
        if i % 3:
            wish_claim(actor=actor(helpers[i % len(helpers)]), wish=wish)
        made.append(wish)
    return made


def test_cuiyu_worker_gets_404_for_a_nanyuan_wish_awaiting_verification_and_cannot_publish_it(cast, client):
    wish = make_wish(wisher=cast.resident)
    client.force_login(cast.cuiyu_worker.user)

    assert client.get(reverse("wishes:detail", args=[wish.pk])).status_code == 404
    assert client.post(reverse("wishes:action", args=[wish.pk, "publish"])).status_code == 404
    wish.refresh_from_db()
    assert wish.status == S.SUBMITTED


def test_resident_of_another_community_sees_the_wish_masked_and_no_contact(cast, client):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)
    client.force_login(cast.stranger.user)

    for url in (reverse("wishes:wall") + "?show=claimed", reverse("wishes:detail", args=[wish.pk])):
        page = client.get(url).content.decode()
        assert "王**" in page
        assert "王秀英" not in page
        assert cast.resident.phone not in page
        assert cast.resident.address not in page
        assert "汪孙聚" in page  # the honour is public
    assert client.post(reverse("wishes:contact", args=[wish.pk])).status_code == 403
    assert AuditEvent.objects.filter(verb="wishes.contact_viewed").count() == 0


def test_claimant_reveals_the_contact_with_htmx_and_one_audit_row(cast, client):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)
    client.force_login(cast.member.user)

    detail = client.get(reverse("wishes:detail", args=[wish.pk])).content.decode()
    assert cast.resident.phone not in detail
    response = client.post(reverse("wishes:contact", args=[wish.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert cast.resident.phone in response.content.decode()
    assert "<html" not in response.content.decode()
    assert AuditEvent.objects.filter(verb="wishes.contact_viewed").count() == 1


def test_whole_journey_through_the_buttons(cast, client):
    client.force_login(cast.resident.user)
    response = client.post(
        reverse("wishes:create"),
        {"title": "帮忙换灯泡", "category": category().pk, "description": "楼道灯", "preferred_time": ""},
    )
    wish = Wish.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("wishes:detail", args=[wish.pk])

    client.force_login(cast.nanyuan_secretary.user)
    client.post(reverse("wishes:action", args=[wish.pk, "publish"]))
    client.force_login(cast.member.user)
    client.post(reverse("wishes:action", args=[wish.pk, "claim"]))
    client.post(
        reverse("wishes:action", args=[wish.pk, "fulfil"]),
        {"note": "换好了", "hours": "1", "photos": [jpeg_upload("a.jpg"), jpeg_upload("b.jpg")]},
    )
    client.force_login(cast.resident.user)
    client.post(reverse("wishes:action", args=[wish.pk, "confirm"]), {"rating": "5", "thanks": "谢谢汪师傅"})

    wish.refresh_from_db()
    assert wish.status == S.CLOSED
    assert wish.photos.count() == 2
    assert LedgerEntry.objects.filter(person=cast.member, account="service").count() == 1
    client.force_login(cast.stranger.user)
    wall = client.get(reverse("wishes:wall") + "?show=done").content.decode()
    assert "汪孙聚" in wall
    assert "南苑社区第一支部" in wall


def test_a_refused_action_shows_the_reason_and_changes_nothing(cast, client):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)
    client.force_login(cast.member2.user)

    response = client.post(reverse("wishes:action", args=[wish.pk, "claim"]), follow=True, HTTP_ACCEPT_LANGUAGE="en")

    messages = [str(message) for message in response.context["messages"]]
    assert messages == ["Someone has already claimed this wish."]
    wish.refresh_from_db()
    assert wish.claimant == cast.member


def test_a_refused_fulfilment_keeps_what_was_typed_with_the_message_beside_the_photos(cast, client, english):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)
    client.force_login(cast.member.user)
    # JPEG magic bytes with no image behind them: the form takes the file, the service refuses it.
    not_a_photo = SimpleUploadedFile("page.jpg", b"\xff\xd8\xff\xe0" + b"<html>" * 50, content_type="image/jpeg")

    response = client.post(
        reverse("wishes:action", args=[wish.pk, "fulfil"]),
        {"note": "换好了水龙头", "hours": "1.5", "photos": [not_a_photo]},
    )

    assert response.status_code == 200  # the wish page again, not a redirect
    form = response.context["forms"]["fulfil"]
    assert form.data["note"] == "换好了水龙头"
    assert form.data["hours"] == "1.5"
    assert form.errors == {"photos": ["This file is not a photo Mulin can accept."]}
    assert "换好了水龙头" in response.content.decode()
    wish.refresh_from_db()
    assert wish.status == S.CLAIMED
    assert wish.photos.count() == 0


def test_a_rejection_without_a_reason_opens_its_form_again_with_the_message(cast, client, english):
    wish = make_wish(wisher=cast.resident)
    client.force_login(cast.nanyuan_worker.user)

    response = client.post(reverse("wishes:action", args=[wish.pk, "reject"]), {"reason": ""})

    assert response.status_code == 200
    assert list(response.context["forms"]["reject"].errors) == ["reason"]
    assert "<details open><summary>Do not publish" in response.content.decode()
    wish.refresh_from_db()
    assert wish.status == S.SUBMITTED


def test_empty_title_on_the_form_writes_no_row(cast, client):
    client.force_login(cast.resident.user)

    response = client.post(reverse("wishes:create"), {"title": "", "category": category().pk})

    assert response.status_code == 200
    assert Wish.objects.count() == 0


def test_staff_enter_a_wish_for_an_offline_resident(cast, client):
    client.force_login(cast.nanyuan_worker.user)

    found = client.get(reverse("wishes:enter"), {"q": "李邻居"}).content.decode()
    assert f"?for={cast.neighbour.pk}" in found
    client.post(
        reverse("wishes:create") + f"?for={cast.neighbour.pk}", {"title": "代买降压药", "category": category().pk}
    )

    wish = Wish.objects.get()
    assert (wish.wisher, wish.entered_by) == (cast.neighbour, cast.nanyuan_worker)


def test_cuiyu_worker_cannot_enter_a_wish_for_a_nanyuan_resident(cast, client):
    client.force_login(cast.cuiyu_worker.user)

    response = client.get(reverse("wishes:create") + f"?for={cast.neighbour.pk}")

    assert response.status_code == 404
    assert Wish.objects.count() == 0


def test_wall_pages_with_keyset_and_htmx_appends_the_next_page(cast, client):
    _wishes(cast, 30)
    client.force_login(cast.member.user)

    first = client.get(reverse("wishes:wall"), {"show": "all"})
    assert len(first.context["wishes"]) == 25
    next_url = first.context["next_url"]
    more = client.get(reverse("wishes:wall") + next_url, HTTP_HX_REQUEST="true")

    assert more.templates[0].name == "wishes/_wish_cards.html"
    assert len(more.context["wishes"]) == 5
    assert more.context["next_url"] == ""


@pytest.mark.parametrize(
    ("name", "url", "people"),
    [
        ("wall", "wishes:wall", ["member", "stranger", "nanyuan_worker"]),
        ("mine", "wishes:mine", ["resident", "member"]),
        ("for_me", "wishes:for_me", ["member", "volunteer"]),
        ("review", "wishes:review", ["nanyuan_worker", "street_admin"]),
        ("stats", "wishes:stats", ["nanyuan_secretary", "street_admin"]),
        ("points", "points:mine", ["member"]),
    ],
)
def test_list_pages_cost_the_same_queries_at_two_sizes(cast, client, django_assert_max_num_queries, name, url, people):
    _wishes(cast, 3)
    client.force_login(cast.resident.user)
    client.get(reverse("wishes:wall"))  # warm per-process caches (street name)
    budget = 14
    for who in people:
        client.force_login(getattr(cast, who).user)
        client.get(reverse(url))  # warm the cached reach and filter choices
        with django_assert_max_num_queries(budget) as small:
            assert client.get(reverse(url)).status_code == 200
        small_count = len(small.captured_queries)
        _wishes(cast, 6)
        client.get(reverse(url))  # warm again: the new wishes notified people, which resets their bell count
        with django_assert_max_num_queries(budget) as large:
            assert client.get(reverse(url)).status_code == 200
        assert len(large.captured_queries) == small_count, (who, name)


@pytest.mark.parametrize("who", ["member", "resident", "nanyuan_worker", "stranger"])
def test_detail_costs_the_same_queries_at_two_sizes(cast, client, django_assert_max_num_queries, who):
    wish = make_wish(wisher=cast.resident, status=S.FULFILLED, moderator=cast.nanyuan_worker, claimant=cast.member)
    client.force_login(getattr(cast, who).user)
    client.get(reverse("wishes:detail", args=[wish.pk]))  # warm the cached reach
    with django_assert_max_num_queries(16) as small:
        assert client.get(reverse("wishes:detail", args=[wish.pk])).status_code == 200
    _wishes(cast, 8)
    client.get(reverse("wishes:detail", args=[wish.pk]))  # warm again: the new wishes reset bell counts
    with django_assert_max_num_queries(16) as large:
        assert client.get(reverse("wishes:detail", args=[wish.pk])).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries)


def test_home_page_shows_what_needs_attention(cast, client):
    make_wish(wisher=cast.resident)
    make_wish(wisher=cast.neighbour, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)
    make_wish(wisher=cast.resident, status=S.FULFILLED, moderator=cast.nanyuan_worker, claimant=cast.member2)

    def items(person) -> dict[str, int]:  # type: ignore[no-untyped-def]
        client.force_login(person.user)
        return {item.url: item.count for item in client.get("/").context["attention_items"]}

    assert items(cast.nanyuan_worker)[reverse("wishes:review")] == 1
    assert items(cast.member)[reverse("wishes:mine") + "#claims"] == 1
    assert items(cast.resident)[reverse("wishes:mine")] == 1
    assert reverse("wishes:review") not in items(cast.cuiyu_worker)


def test_menu_shows_the_wall_to_residents_and_verification_to_staff(cast, client):
    client.force_login(cast.resident.user)
    keys = {item.key for item in client.get("/").context["nav_items"]}
    assert {"wishes", "my_wishes", "points"} <= keys
    assert "wishes_review" not in keys
    client.force_login(cast.nanyuan_worker.user)
    keys = {item.key for item in client.get("/").context["nav_items"]}
    assert {"wishes", "wishes_review", "wishes_stats"} <= keys


def test_street_admin_adds_and_retires_a_category(cast, client):
    client.force_login(cast.street_admin.user)

    client.post(
        reverse("wishes:categories"),
        {
            "code": "pets",
            "name_zh_hans": "宠物照看",
            "name_en": "Pet care",
            "default_hours": "1",
            "order": "70",
            "is_active": "on",
        },
    )
    from mulin.wishes.models import WishCategory

    pets = WishCategory.objects.get(code="pets")
    client.post(
        reverse("wishes:category_edit", args=[pets.pk]),
        {
            f"c{pets.pk}-name_zh_hans": "宠物照看",
            f"c{pets.pk}-name_en": "Pet care",
            f"c{pets.pk}-default_hours": "1",
            f"c{pets.pk}-order": "70",
        },
    )
    pets.refresh_from_db()
    assert pets.is_active is False
    client.force_login(cast.nanyuan_worker.user)
    assert client.get(reverse("wishes:categories")).status_code == 403


def _card_of(page: str, wish: Wish) -> str:
    start = page.index(f'data-wish="{wish.pk}"')
    return page[start : page.index("</li>", start)]


def test_the_wall_shows_a_claim_and_a_renamed_category_at_once_though_cards_are_kept(cast, client, english):
    """The cards' markup is kept per content (mulin_fragments): a write changes the content."""
    wish = _wishes(cast, 1)[0]
    client.force_login(cast.member.user)
    before = _card_of(client.get(reverse("wishes:wall"), {"show": "all"}).content.decode(), wish)
    assert "On the wall" in before

    wish_claim(actor=actor(cast.volunteer), wish=wish)
    wish.category.name_en = "Small repairs at home"
    wish.category.save(update_fields=["name_en"])
    after = _card_of(client.get(reverse("wishes:wall"), {"show": "all"}).content.decode(), wish)

    assert "On the wall" not in after
    assert "孙志愿" in after  # the honour of the claimant
    assert "Small repairs at home" in after


def test_the_wall_speaks_each_readers_language_though_cards_are_kept(cast, client):
    wish = _wishes(cast, 1)[0]
    client.force_login(cast.member.user)

    chinese = _card_of(client.get(reverse("wishes:wall"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode(), wish)
    english = _card_of(client.get(reverse("wishes:wall"), HTTP_ACCEPT_LANGUAGE="en").content.decode(), wish)
    chinese_again = client.get(reverse("wishes:wall"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "On the wall" in english
    assert "On the wall" not in chinese
    assert _card_of(chinese_again, wish) == chinese
    assert 'lang="zh-hans"' in chinese_again


def test_the_kept_filter_form_shows_each_readers_choice(cast, client):
    _wishes(cast, 1)
    client.force_login(cast.member.user)
    repair = category("repair")

    chosen = client.get(reverse("wishes:wall"), {"show": "all", "category": repair.pk}).content.decode()
    plain = client.get(reverse("wishes:wall"), {"show": "all"}).content.decode()
    chosen_again = client.get(reverse("wishes:wall"), {"show": "all", "category": repair.pk}).content.decode()

    selected = f'<option value="{repair.pk}" selected>'
    assert selected in chosen
    assert selected not in plain
    assert selected in chosen_again


def test_a_kept_wall_page_of_one_street_is_not_shown_in_another(cast, client, street):
    """Cards are keyed by what the reader's own query found: another street finds other rows."""
    from mulin.organizations.models import OrgUnit
    from mulin.organizations.tests.factories import OrgUnitFactory, make_person

    K = OrgUnit.Kind
    far_street = OrgUnitFactory(kind=K.STREET, name="米市巷街道", parent=street.district)
    far_community = OrgUnitFactory(kind=K.COMMUNITY, name="左家新村社区", parent=far_street)
    far_building = OrgUnitFactory(kind=K.COMPOUND, name="左家新村", parent=far_community)
    far_member = make_person(home=far_building, with_account=True)
    wish = _wishes(cast, 1)[0]
    client.force_login(cast.member.user)
    assert f'data-wish="{wish.pk}"' in client.get(reverse("wishes:wall"), {"show": "all"}).content.decode()

    client.force_login(far_member.user)
    page = client.get(reverse("wishes:wall"), {"show": "all"}).content.decode()

    assert f'data-wish="{wish.pk}"' not in page
    assert wish.title not in page


def test_an_action_form_sent_back_with_errors_is_not_the_kept_empty_one(cast, client, english):
    wish = make_wish(wisher=cast.resident)
    client.force_login(cast.nanyuan_worker.user)
    empty = client.get(reverse("wishes:detail", args=[wish.pk])).content.decode()

    refused = client.post(reverse("wishes:action", args=[wish.pk, "reject"]), {"reason": ""}).content.decode()
    empty_again = client.get(reverse("wishes:detail", args=[wish.pk])).content.decode()

    assert "This field is required." not in empty
    assert "This field is required." in refused
    assert "This field is required." not in empty_again


def test_the_kept_wish_page_shows_each_step_and_only_the_readers_share(cast, client, english):
    """The wish's facts and timeline are kept per content and per private/public reader."""
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)
    url = reverse("wishes:detail", args=[wish.pk])
    client.force_login(cast.nanyuan_worker.user)
    claimed = client.get(url).content.decode()

    wish_fulfil(actor=actor(cast.member), wish=wish, note="已修好水龙头", photos=[jpeg_upload()], hours="1.5")
    fulfilled = client.get(url).content.decode()
    client.force_login(cast.stranger.user)
    public = client.get(url).content.decode()

    assert "已修好水龙头" not in claimed
    assert "已修好水龙头" in fulfilled  # the note, and the fulfilment in the timeline
    assert fulfilled.count("<li><strong>") == claimed.count("<li><strong>") + 1
    assert "已修好水龙头" not in public
    assert "王秀英" not in public
    assert "王**" in public
