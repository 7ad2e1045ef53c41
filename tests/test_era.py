"""Era dates and numerals as written in official texts."""
import datetime as dt

import pytest

from kb.era import parse_era_date, to_arabic_article
from kb.numerals import parse_number, to_int


@pytest.mark.parametrize("text, value", [
    ("一〇〇", 100), ("百二十五", 125), ("二千", 2000), ("〇", 0), ("十", 10),
    ("１２", 12), ("12", 12), ("三十五", 35), ("二百七十", 270), ("一一", 11),
    ("一万二千", 12000), ("千九百八十九", 1989), ("百", 100),
])
def test_numerals(text, value):
    assert parse_number(text) == value


def test_not_a_numeral():
    with pytest.raises(ValueError):
        parse_number("条")
    assert to_int("") is None
    assert to_int("第三") is None


@pytest.mark.parametrize("text, date", [
    ("令和元年5月1日", dt.date(2019, 5, 1)),
    ("昭和四十四年十一月一日", dt.date(1969, 11, 1)),
    ("平成元年１月８日", dt.date(1989, 1, 8)),
    ("令和７年１月１日", dt.date(2025, 1, 1)),
    ("令和6年12月23日", dt.date(2024, 12, 23)),
    ("大正十五年十二月二十四日", dt.date(1926, 12, 24)),
    ("明治四十年四月二十四日", dt.date(1907, 4, 24)),
    # e-Gov amendment notes write years and days digit by digit
    ("附　則　（平成一一年八月二七日国家公安委員会規則第一〇号）", dt.date(1999, 8, 27)),
    ("一種(令和10年3月31日まで)", dt.date(2028, 3, 31)),
    ("（平成31年4月1日付け警察庁丙企画発第6号ほか）", dt.date(2019, 4, 1)),
    ("令和 4 年 6 月 1 日", dt.date(2022, 6, 1)),
])
def test_parse_era_date(text, date):
    assert parse_era_date(text) == date


def test_first_date_wins_and_impossible_dates_are_skipped():
    assert parse_era_date("令和7年3月14日改正、令和7年4月1日施行") == dt.date(2025, 3, 14)
    assert parse_era_date("令和5年2月30日 又は 令和5年3月1日") == dt.date(2023, 3, 1)
    assert parse_era_date("公布の日から施行する") is None
    assert parse_era_date("2024-12-23") is None


@pytest.mark.parametrize("text, number", [
    ("第三条の二", "3-2"), ("第１２条の２", "12-2"), ("第3条", "3"),
    ("第七十五条の二の三", "75-2-3"), ("第百条", "100"),
    ("前項及び第二十六条の八の規定", "26-8"),
])
def test_to_arabic_article(text, number):
    assert to_arabic_article(text) == number


def test_to_arabic_article_without_article():
    assert to_arabic_article("附則") is None
