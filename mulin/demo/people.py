"""Deterministic, believable people for the demo street: names, ID numbers, phones, addresses."""

from __future__ import annotations

import datetime as dt
import random

from mulin.core.normalizers import id_number_check_digit
from mulin.demo.daguan import GIVEN_CHARS, SURNAMES

REGION_CODE = "330105"  # 拱墅区
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "158",
    "159",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "199",
]


class PeopleFactory:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used_phones: set[str] = set()
        self.used_ids: set[str] = set()

    def name(self) -> str:
        given = "".join(self.rng.choice(GIVEN_CHARS) for _ in range(self.rng.choice([1, 2, 2, 2])))
        return self.rng.choice(SURNAMES) + given

    def birth_date(self, *, older: bool = False) -> dt.date:
        # The people a community office deals with skew old: many retirees.
        low, high = (1938, 1965) if older else (1940, 2006)
        year = min(self.rng.randint(low, high), self.rng.randint(low, high)) if older else self.rng.randint(low, high)
        return dt.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def id_number(self, birth: dt.date, gender: str) -> str:
        while True:
            sequence = self.rng.randint(0, 99) * 10 + (
                self.rng.choice([1, 3, 5, 7, 9]) if gender == "male" else self.rng.choice([0, 2, 4, 6, 8])
            )
            first17 = f"{REGION_CODE}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + id_number_check_digit(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def phone(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randint(0, 99_999_999):08d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def address(self, compound: str, building: str) -> str:
        return f"{compound}{building}{self.rng.randint(1, 3)}单元{self.rng.randint(1, 7)}0{self.rng.randint(1, 4)}室"
