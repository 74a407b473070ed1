"""Wording defects of issue 9 (defect 6): one message once, "1 hour", channel names read out in the
reader's language, Django's own messages in the project's wording, numeric dates that do not wrap."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from mulin.accounts.tests.helpers import WRONG_PASSWORD, web_login
from mulin.organizations.tests.factories import make_person
from mulin.wishes.forms import WishForm
from mulin.wishes.models import WishCategory
from mulin.wishes.tests.factories import make_wish

pytestmark = pytest.mark.django_db


def test_a_wrong_password_is_said_once(street, client, english):
    resident = make_person(home=street.cuiyu_building, with_account=True)

    page = web_login(client, resident.phone, WRONG_PASSWORD).content.decode()

    assert page.count("The mobile number or password is incorrect.") == 1


def test_one_hour_is_singular_in_english(street, client, english):
    wisher = make_person(home=street.cuiyu_building, with_account=True)
    wish = make_wish(wisher=wisher, estimated_hours="1")
    client.force_login(wisher.user)

    page = client.get(reverse("wishes:detail", args=[wish.pk])).content.decode()

    assert "1 hour<" in page
    assert "1 hours" not in page


def test_channel_checkboxes_are_read_out_in_chinese(street, client):
    resident = make_person(home=street.cuiyu_building, with_account=True)
    client.force_login(resident.user)

    page = client.get(reverse("notifications:preferences"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "· 短信" in page
    assert ' sms"' not in page
    assert ' email"' not in page


def test_djangos_decimal_message_uses_the_projects_wording_in_chinese(street):
    with translation.override("zh-hans"):
        form = WishForm(
            {"title": "t", "category": WishCategory.objects.first().pk, "estimated_hours": "1.25"},
            categories=WishCategory.objects.all(),
        )
        assert not form.is_valid()
        assert form.errors["estimated_hours"] == ["小数最多 1 位。"]
