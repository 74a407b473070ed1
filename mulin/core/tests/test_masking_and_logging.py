"""Masked display and the logging filter that keeps phone and ID numbers out of log files."""

from __future__ import annotations

import logging

import pytest

from mulin.core.logging import MaskPersonalDataFilter, mask_text
from mulin.core.masking import mask_address, mask_id_number, mask_name, mask_phone

ID_NUMBER = "11010519491231002X"


@pytest.mark.parametrize(
    ("function", "value", "masked"),
    [
        (mask_phone, "13800138000", "138****8000"),
        (mask_phone, "", ""),
        (mask_phone, None, ""),
        (mask_phone, "12345", "*****"),
        (mask_id_number, ID_NUMBER, "110105********002X"),
        (mask_id_number, "", ""),
        (mask_id_number, "123", "***"),
        (mask_name, "王小明", "王**"),
        (mask_name, "王明", "王*"),
        (mask_name, "王", "王*"),
        (mask_name, None, ""),
        (mask_address, "南八苑1幢1单元101室", "南八苑1****"),
        (mask_address, "杭州市拱墅区大关街道南八苑1幢1单元101室", "杭州市拱墅区****"),
        (mask_address, "", ""),
    ],
)
def test_masked_display(function, value, masked):
    assert function(value) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("phone 13800138000 ok", "phone 138****8000 ok"),
        ("tel:+8613800138000", "tel:+86138****8000"),
        ("0086 13800138000", "0086 138****8000"),
        ("138-0013-8000 and 138 0013 8000", "138****8000 and 138****8000"),
        (f"id={ID_NUMBER}.", "id=110105********002X."),
        ("id=11010519491231002x", "id=110105********002x"),
        ("order 123456789012345678901 stays", "order 123456789012345678901 stays"),
        ("port 12800138000 is not a mobile", "port 12800138000 is not a mobile"),
    ],
)
def test_mask_text(text, masked):
    assert mask_text(text) == masked


@pytest.fixture
def masked_log(caplog):  # type: ignore[no-untyped-def]
    """caplog with the production filter on its handler."""
    handler_filter = MaskPersonalDataFilter()
    caplog.handler.addFilter(handler_filter)
    caplog.set_level(logging.INFO, logger="mulin.test")
    yield caplog
    caplog.handler.removeFilter(handler_filter)


def test_log_line_with_phone_and_id_number_is_masked(masked_log):
    logging.getLogger("mulin.test").info("registered %s with id %s", "13800138000", ID_NUMBER)

    assert masked_log.text.count("\n") == 1
    assert "13800138000" not in masked_log.text
    assert ID_NUMBER not in masked_log.text
    assert "138****8000" in masked_log.text
    assert "110105********002X" in masked_log.text


def test_cr_and_lf_cannot_forge_log_lines(masked_log):
    logging.getLogger("mulin.test").warning("login failed for %s", "x\r\n2026-01-01 INFO admin logged in")

    assert len(masked_log.records) == 1
    line = masked_log.records[0].getMessage()
    assert "\n" not in line
    assert "\r" not in line
    assert "x\\r\\n2026-01-01 INFO admin logged in" in line


def test_exception_text_is_masked(masked_log):
    try:
        raise ValueError(f"bad phone 13800138000 for {ID_NUMBER}")
    except ValueError:
        logging.getLogger("mulin.test").exception("import failed")

    formatted = masked_log.handler.format(masked_log.records[0])
    assert "ValueError" in formatted
    assert "13800138000" not in formatted
    assert ID_NUMBER not in formatted


def test_broken_format_string_does_not_raise_from_the_filter():
    record = logging.LogRecord("mulin.test", logging.INFO, __file__, 1, "%s %s", ("one",), None)

    assert MaskPersonalDataFilter().filter(record) is True


def test_settings_attach_the_filter_to_every_handler(settings):
    for name, handler in settings.LOGGING["handlers"].items():
        assert "mask_personal_data" in handler.get("filters", []), name
