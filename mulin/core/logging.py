"""A logging filter that masks phone and ID numbers wherever they appear in a log line, and
neutralises CR/LF so that a value cannot forge extra log lines (ASVS 16.4.1)."""

from __future__ import annotations

import logging
import re

_ID_NUMBER = re.compile(r"(?<![0-9])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9])")
# 13800138000, 138-0013-8000, 138 0013 8000, +86 13800138000, 008613800138000
_PHONE = re.compile(r"(?<![0-9])((?:\+|00)?86[ -]?)?(1[3-9][0-9])[ -]?[0-9]{4}[ -]?([0-9]{4})(?![0-9])")


def mask_text(text: str) -> str:
    """Mask every ID number (110101********1234) and mobile number (138****8000) in `text`."""
    text = _ID_NUMBER.sub(r"\1********\2", text)
    return _PHONE.sub(r"\1\2****\3", text)


class MaskPersonalDataFilter(logging.Filter):
    """Attach to every handler (settings.LOGGING): the formatted message, the exception text
    and the stack are masked before any handler writes them."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let the handler report it as usual
            return True
        masked = mask_text(message).replace("\r", "\\r").replace("\n", "\\n")
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True
