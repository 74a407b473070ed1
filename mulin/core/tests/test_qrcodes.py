"""Rotating check-in codes: accepted in their window and the one before, refused when stale,
forged, or meant for another object or purpose."""

from __future__ import annotations

import base64
import urllib.parse

import pytest
import time_machine

from mulin.core.qrcodes import (
    TICKET_SECONDS,
    WINDOW_SECONDS,
    QrCodeRefused,
    qr_seconds_left,
    qr_svg_data_uri,
    qr_ticket,
    qr_ticket_check,
    qr_token,
    qr_token_check,
)

PURPOSE = "activities.checkin"
T0 = 1_800_000_000.0  # the start of a window (divisible by 30)


def test_a_code_is_accepted_in_its_own_window():
    token = qr_token(PURPOSE, 7, now=T0)

    qr_token_check(token, purpose=PURPOSE, object_id=7, now=T0 + WINDOW_SECONDS - 1)


def test_a_code_is_accepted_in_the_next_window_as_grace():
    token = qr_token(PURPOSE, 7, now=T0 + 29)

    qr_token_check(token, purpose=PURPOSE, object_id=7, now=T0 + WINDOW_SECONDS + 29)


def test_a_code_two_windows_old_is_refused_as_expired():
    token = qr_token(PURPOSE, 7, now=T0)

    with pytest.raises(QrCodeRefused) as refused:
        qr_token_check(token, purpose=PURPOSE, object_id=7, now=T0 + 2 * WINDOW_SECONDS)

    assert refused.value.code == "qr_expired"


def test_a_code_from_the_future_is_refused():
    token = qr_token(PURPOSE, 7, now=T0 + WINDOW_SECONDS)

    with pytest.raises(QrCodeRefused) as refused:
        qr_token_check(token, purpose=PURPOSE, object_id=7, now=T0)

    assert refused.value.code == "qr_expired"


def test_a_code_for_another_object_is_refused():
    token = qr_token(PURPOSE, 7, now=T0)

    with pytest.raises(QrCodeRefused) as refused:
        qr_token_check(token, purpose=PURPOSE, object_id=8, now=T0)

    assert refused.value.code == "qr_wrong_object"


def test_a_code_for_another_purpose_is_refused():
    token = qr_token("rosters.checkin", 7, now=T0)

    with pytest.raises(QrCodeRefused) as refused:
        qr_token_check(token, purpose=PURPOSE, object_id=7, now=T0)

    assert refused.value.code == "qr_refused"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t.replace("7.", "8.", 1),  # another object with the old signature
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature changed
        lambda t: "7." + str(int(T0 // WINDOW_SECONDS) + 5) + ":" + t.split(":")[1],  # window moved on
        lambda t: "",
        lambda t: "not a code",
        lambda t: "x" * 500,
    ],
    ids=["object", "signature", "window", "empty", "garbage", "huge"],
)
def test_a_tampered_code_is_refused(tamper):
    token = qr_token(PURPOSE, 7, now=T0)

    with pytest.raises(QrCodeRefused):
        qr_token_check(tamper(token), purpose=PURPOSE, object_id=7, now=T0)


def test_a_code_is_url_safe_and_short():
    token = qr_token(PURPOSE, 123456, now=T0)

    assert urllib.parse.quote(token, safe="") == token.replace(":", "%3A")
    assert len(token) < 80


def test_seconds_left_counts_down_to_the_next_code():
    assert qr_seconds_left(now=T0) == WINDOW_SECONDS
    assert qr_seconds_left(now=T0 + 25.5) == 4
    assert qr_seconds_left(now=T0 + 29.9) == 1


def test_a_ticket_outlives_the_code_but_not_its_own_age():
    with time_machine.travel(T0, tick=False):
        ticket = qr_ticket(qr_token(PURPOSE, 7), purpose=PURPOSE, object_id=7)
    with time_machine.travel(T0 + TICKET_SECONDS - 1, tick=False):
        qr_ticket_check(ticket, purpose=PURPOSE, object_id=7)
    with time_machine.travel(T0 + TICKET_SECONDS + 1, tick=False), pytest.raises(QrCodeRefused) as refused:
        qr_ticket_check(ticket, purpose=PURPOSE, object_id=7)

    assert refused.value.code == "qr_expired"


def test_a_ticket_needs_a_fresh_code_and_names_one_object():
    stale = qr_token(PURPOSE, 7, now=T0 - 5 * WINDOW_SECONDS)
    with time_machine.travel(T0, tick=False):
        with pytest.raises(QrCodeRefused):
            qr_ticket(stale, purpose=PURPOSE, object_id=7)
        ticket = qr_ticket(qr_token(PURPOSE, 7), purpose=PURPOSE, object_id=7)
        with pytest.raises(QrCodeRefused) as refused:
            qr_ticket_check(ticket, purpose=PURPOSE, object_id=8)

    assert refused.value.code == "qr_wrong_object"


def test_a_code_is_not_a_ticket_and_a_ticket_is_not_a_code():
    with time_machine.travel(T0, tick=False):
        token = qr_token(PURPOSE, 7)
        ticket = qr_ticket(token, purpose=PURPOSE, object_id=7)
        with pytest.raises(QrCodeRefused):
            qr_ticket_check(token, purpose=PURPOSE, object_id=7)
        with pytest.raises(QrCodeRefused):
            qr_token_check(ticket, purpose=PURPOSE, object_id=7)


def test_the_svg_encodes_the_data_as_an_image_uri():
    uri = qr_svg_data_uri("https://mulin.example/activities/7/checkin/?t=abc")

    assert uri.startswith("data:image/svg+xml")
    svg = urllib.parse.unquote(uri.split(",", 1)[1]) if "base64" not in uri else base64.b64decode(uri.split(",")[1])
    assert "<svg" in str(svg)
    assert "<script" not in str(svg)
