"""The SMS channel. A street office plugs in its provider by naming a backend class in
MULIN_SMS_BACKEND; the demo prints messages, tests keep them in memory."""

from __future__ import annotations

import logging
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string

from mulin.core.masking import mask_phone

logger = logging.getLogger("mulin.sms")


class SmsBackend:
    """Send one text to one mainland mobile number; raise on failure so the task retries."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


class MemorySmsBackend(SmsBackend):
    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


class FailingSmsBackend(SmsBackend):
    """A provider that is down, for fault tests."""

    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("SMS provider unreachable")


def sms_backend() -> SmsBackend:
    return import_string(settings.MULIN_SMS_BACKEND)()
