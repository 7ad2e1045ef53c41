"""Era dates and numerals as written in official texts."""
import datetime as dt

import pytest

from kb.era import ERAS, era_year, parse_era_date, to_arabic_article, to_wareki
from kb.numerals import parse_number, to_int
from webui.dates import wareki


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


def test_one_era_table_starts_meiji_on_the_day_its_first_year_began():
    # 明治 was proclaimed in 1868 and counted from 慶応4年1月1日 (lunisolar) = 1868-01-25
    assert ERAS["明治"] == dt.date(1868, 1, 25)
    assert era_year("明治", "元") == 1868 and era_year("明治", "四十五") == 1912
    assert parse_era_date("明治六年一月一日") == dt.date(1873, 1, 1)


@pytest.mark.parametrize("date, text", [
    (dt.date(1873, 1, 1), "明治6年1月1日"),        # the first Gregorian day of the official calendar
    (dt.date(1912, 7, 29), "明治45年7月29日"), (dt.date(1912, 7, 30), "大正元年7月30日"),
    (dt.date(1926, 12, 24), "大正15年12月24日"), (dt.date(1926, 12, 25), "昭和元年12月25日"),
    (dt.date(1989, 1, 7), "昭和64年1月7日"), (dt.date(1989, 1, 8), "平成元年1月8日"),
    (dt.date(2019, 4, 30), "平成31年4月30日"), (dt.date(2019, 5, 1), "令和元年5月1日"),
])
def test_wareki_and_parsing_agree_across_every_era_boundary(date, text):
    assert to_wareki(date) == wareki(date) == wareki(date.isoformat()) == text
    assert parse_era_date(text) == date


def test_a_date_before_the_gregorian_calendar_keeps_its_iso_form():
    # before 1873 an official date is lunisolar: 1870-10-02 was not 明治3年10月2日
    assert to_wareki(dt.date(1870, 10, 2)) is None and wareki("1870-10-02") == "1870-10-02"
