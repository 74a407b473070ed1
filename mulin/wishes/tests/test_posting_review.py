"""Posting a wish (issue 9 item 6): the community's moderators are told, up to three photos show
what is needed, and a phone or ID number typed into the text is flagged before publishing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mulin.core.inputs import personal_numbers_in
from mulin.core.tests.images import jpeg_upload
from mulin.notifications.models import Notification
from mulin.organizations.tests.factories import actor
from mulin.wishes.models import Wish, WishPhoto
from mulin.wishes.services import wish_submit
from mulin.wishes.tests.factories import category

pytestmark = pytest.mark.django_db


def _told(kind: str = "wishes.awaiting_review") -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def test_a_new_wish_tells_its_communitys_moderators_only(cast):
    wish = wish_submit(actor=actor(cast.resident), title="帮忙换灯泡", category=category())

    assert _told() == {cast.nanyuan_secretary.pk, cast.nanyuan_worker.pk}
    note = Notification.objects.filter(recipient=cast.nanyuan_secretary, kind="wishes.awaiting_review").get()
    assert note.url == reverse("wishes:detail", args=[wish.pk])
    assert note.params["title"] == "帮忙换灯泡"


def test_staff_entering_a_wish_are_not_told_of_their_own_entry(cast):
    wish_submit(actor=actor(cast.nanyuan_worker), wisher=cast.resident, title="代录：买菜", category=category())

    assert _told() == {cast.nanyuan_secretary.pk}


def test_up_to_three_photos_are_kept_with_the_wish(cast):
    photos = [jpeg_upload("a.jpg"), jpeg_upload("b.jpg"), jpeg_upload("c.jpg")]

    wish = wish_submit(actor=actor(cast.resident), title="门锁坏了", category=category(), photos=photos)

    stored = list(wish.photos.values_list("purpose", "uploaded_by_id"))
    assert stored == [(WishPhoto.Purpose.REQUEST, cast.resident.pk)] * 3


@pytest.mark.parametrize(
    "photos",
    [
        [jpeg_upload(f"{n}.jpg") for n in range(4)],
        [jpeg_upload("a.jpg"), jpeg_upload("b.jpg", content_type="image/jpeg")],  # replaced below
    ],
    ids=["four", "not-an-image"],
)
def test_too_many_photos_or_a_bad_file_write_nothing(cast, photos, request):
    if request.node.callspec.id == "not-an-image":
        photos[1].file.write(b"not a picture")
        photos[1].file.seek(0)
        photos[1].file.truncate(13)

    with pytest.raises(ValidationError) as refused:
        wish_submit(actor=actor(cast.resident), title="门锁坏了", category=category(), photos=photos)

    assert "photos" in refused.value.message_dict
    assert (Wish.objects.count(), WishPhoto.objects.count(), _told()) == (0, 0, set())


@pytest.mark.parametrize(
    ("title", "description", "found"),
    [
        ("帮忙换灯泡", "楼道灯坏了", []),
        ("帮忙换灯泡", "请打 138 0013 8000 找我", ["phone"]),
        ("请联系１３９００１３９０００", "", ["phone"]),
        ("帮忙", "座机 0571-87654321", ["phone"]),
        ("帮忙办证", "身份证 11010519491231002X", ["id_number"]),
        ("帮忙", "身份证110105194912310021，电话13800138000", ["id_number", "phone"]),
        ("买 2 斤米", "门牌 3 幢 2 单元 501 室，2026 年 12 月", []),
    ],
)
def test_personal_numbers_in_the_text_are_found(title, description, found):
    assert personal_numbers_in(title, description) == found


def test_a_flagged_wish_warns_its_moderators_before_publishing(cast, client):
    wish = wish_submit(
        actor=actor(cast.resident), title="帮忙换灯泡", description="电话 13800138000", category=category()
    )
    assert wish.personal_numbers == "phone"

    client.force_login(cast.nanyuan_secretary.user)
    review = client.get(reverse("wishes:review")).content.decode()
    detail = client.get(reverse("wishes:detail", args=[wish.pk])).content.decode()

    assert 'data-testid="personal-numbers-flag"' in review
    assert 'data-testid="personal-numbers"' in detail


def test_a_resident_posts_photos_from_the_form_and_sees_them(cast, client, english):
    client.force_login(cast.resident.user)
    form = client.get(reverse("wishes:create")).content.decode()
    assert 'enctype="multipart/form-data"' in form
    assert "Show my full name on the wall" in form

    response = client.post(
        reverse("wishes:create"),
        {"title": "门锁坏了", "category": category().pk, "photos": [jpeg_upload("a.jpg"), jpeg_upload("b.jpg")]},
    )

    wish = Wish.objects.get()
    assert response.status_code == 302
    detail = client.get(reverse("wishes:detail", args=[wish.pk])).content.decode()
    for photo in wish.photos.all():
        assert reverse("wishes:photo", args=[photo.uuid]) in detail
        assert client.get(reverse("wishes:photo", args=[photo.uuid])).status_code == 200


def test_four_photos_from_the_form_keep_what_was_typed_and_say_why_beside_the_field(cast, client, english):
    client.force_login(cast.resident.user)

    response = client.post(
        reverse("wishes:create"),
        {"title": "门锁坏了", "category": category().pk, "photos": [jpeg_upload(f"{n}.jpg") for n in range(4)]},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"photos": ["Add at most 3 photos."]}
    assert 'value="门锁坏了"' in response.content.decode()
    assert Wish.objects.count() == 0


def test_the_enter_on_behalf_form_speaks_about_the_resident(cast, client, english):
    client.force_login(cast.nanyuan_worker.user)

    page = client.get(reverse("wishes:create") + f"?for={cast.resident.pk}").content.decode()

    assert "Show the resident&#x27;s full name on the wall" in page
    assert "Show my full name" not in page
