"""What people type for money, counts and dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.money import date_example, format_rupiah, parse_count, parse_date, parse_rupiah
from bot.i18n import Translator


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 juta", 15_000_000),
        ("15juta", 15_000_000),
        ("15jt", 15_000_000),
        ("15 jt", 15_000_000),
        ("15 JT", 15_000_000),
        ("1,5 juta", 1_500_000),
        ("1.5 juta", 1_500_000),
        ("2,25 juta", 2_250_000),
        ("Rp 15.000.000", 15_000_000),
        ("Rp15.000.000", 15_000_000),
        ("Rp15.000.000,00", 15_000_000),
        ("Rp. 15.000.000,-", 15_000_000),
        ("rp 15.000.000", 15_000_000),
        ("IDR 2.500.000", 2_500_000),
        ("15000000", 15_000_000),
        ("15.000.000", 15_000_000),
        ("15,000,000", 15_000_000),
        ("15.000", 15_000),
        ("15,000", 15_000),
        ("500 ribu", 500_000),
        ("500rb", 500_000),
        ("500 rb", 500_000),
        ("750k", 750_000),
        ("2 M", 2_000_000_000),
        ("2M", 2_000_000_000),
        ("2 miliar", 2_000_000_000),
        ("2 milyar", 2_000_000_000),
        ("1,2 M", 1_200_000_000),
        ("1 juta 500 ribu", 1_500_000),
        ("15 juta rupiah", 15_000_000),
        ("  15   juta  ", 15_000_000),
        ("1 triliun", 1_000_000_000_000),
    ],
)
def test_parse_rupiah_accepts_what_people_type(text, expected):
    assert parse_rupiah(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "lima belas juta",
        "15 juta dong",
        "15.5",  # no sen in rupiah
        "15.000,50",
        "0,5",
        "1.2.3",
        "1 jt 2 jt",
        "500 ribu 2 juta",
        "15$",
        "juta",
        "Rp",
    ],
)
def test_parse_rupiah_refuses_garbage_with_an_example(text):
    with pytest.raises(InvalidInput) as caught:
        parse_rupiah(text)
    assert "misalnya 15 juta atau 15.000.000" in caught.value.message


@pytest.mark.parametrize("text", ["-5 juta", "-15000000", "Rp -5.000", "rp-5000"])
def test_parse_rupiah_refuses_negative_amounts(text):
    with pytest.raises(InvalidInput, match="negatif"):
        parse_rupiah(text)


def test_parse_rupiah_zero_only_where_allowed():
    with pytest.raises(InvalidInput, match="lebih dari nol"):
        parse_rupiah("0")
    assert parse_rupiah("0", allow_zero=True) == 0
    assert parse_rupiah("Rp 0", allow_zero=True) == 0


@pytest.mark.parametrize("text", ["2000 M", "1,1 triliun", "1.000.000.000.001", "1000001 juta"])
def test_parse_rupiah_refuses_absurd_sizes(text):
    with pytest.raises(InvalidInput):
        parse_rupiah(text)


def test_parse_rupiah_largest_allowed_amount():
    assert parse_rupiah("1.000.000.000.000") == 1_000_000_000_000
    with pytest.raises(InvalidInput, match="terlalu besar"):
        parse_rupiah("1.000.000.000.001")


@pytest.mark.parametrize(
    ("amount", "text"),
    [(0, "Rp0"), (1_500_000, "Rp1.500.000"), (999, "Rp999"), (-2_000, "-Rp2.000")],
)
def test_format_rupiah(amount, text):
    assert format_rupiah(amount) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [("120", 120), ("0", 0), ("1.250", 1250), ("120 KK", 120), ("30 HOK", 30), ("45 orang", 45)],
)
def test_parse_count(text, expected):
    assert parse_count(text, max_value=100_000) == expected


@pytest.mark.parametrize("text", ["", "abc", "1,5", "12.5", "1.25", "dua", "12 ekor", "1e3"])
def test_parse_count_refuses_non_whole_numbers(text):
    with pytest.raises(InvalidInput, match="angka bulat"):
        parse_count(text, max_value=100_000)


def test_parse_count_bounds():
    with pytest.raises(InvalidInput, match="negatif"):
        parse_count("-3", max_value=10)
    with pytest.raises(InvalidInput, match="paling banyak") as caught:
        parse_count("100.001", max_value=100_000)
    shown = {
        locale: Translator(locale)._(caught.value.message, **caught.value.params)
        for locale in ("id", "en")
    }
    assert "100.000" in shown["id"] and "100,000" in shown["en"]
    with pytest.raises(InvalidInput, match="paling sedikit"):
        parse_count("0", max_value=10, min_value=1)


@pytest.mark.parametrize(
    "text",
    [
        "3/3/2026",
        "03/03/2026",
        "03-03-2026",
        "3.3.2026",
        "2026-03-03",
        "3/3/26",
        "3 Maret 2026",
        "3 maret 2026",
        "3 Mar 2026",
        "3 Mar. 2026",
        "3 March 2026",
        "Senin, 3 Maret 2026",
        "Tuesday 3 March 2026",
    ],
)
def test_parse_date_accepts_common_forms(text):
    assert parse_date(text) == date(2026, 3, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17 Agustus 2026", date(2026, 8, 17)),
        ("17 Agt 2026", date(2026, 8, 17)),
        ("1 Mei 2026", date(2026, 5, 1)),
        ("1 May 2026", date(2026, 5, 1)),
        ("25 Des 2026", date(2026, 12, 25)),
        ("25 Dec 2026", date(2026, 12, 25)),
        ("9 Okt 2026", date(2026, 10, 9)),
        ("29/2/2028", date(2028, 2, 29)),
    ],
)
def test_parse_date_month_names_in_both_languages(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "besok", "3 Foo 2026", "2026/03", "03032026", "3-3"])
def test_parse_date_refuses_garbage(text):
    with pytest.raises(InvalidInput, match="Mohon tulis tanggal seperti"):
        parse_date(text)


def test_the_date_example_is_a_few_weeks_ahead_and_written_for_the_reader():
    today = date(2026, 11, 30)
    with pytest.raises(InvalidInput) as caught:
        parse_date("besok", today=today)
    assert caught.value.params["numeric"] == "21/12/2026"  # 3 weeks on; day after the 12th
    said = {
        locale: Translator(locale)._(caught.value.message, **caught.value.params)
        for locale in ("id", "en")
    }
    assert said["id"] == "Mohon tulis tanggal seperti 21/12/2026 atau 21 Desember 2026."
    assert "21 December 2026" in said["en"]  # the date written the English way
    # Never a past date, whatever today is; never one readable month first.
    for days in range(0, 366, 7):
        day = parse_date(date_example(date(2027, 1, 1) + timedelta(days))["numeric"])
        assert timedelta(weeks=3) <= day - (date(2027, 1, 1) + timedelta(days)) < timedelta(weeks=5)
        assert day.day > 12
    with pytest.raises(InvalidInput) as caught:
        parse_date("31/2/2027", today=today)
    assert caught.value.params == {"numeric": "21/12/2026"}


@pytest.mark.parametrize("text", ["31/2/2026", "29/2/2026", "32/1/2026", "1/13/2026"])
def test_parse_date_refuses_days_not_in_the_calendar(text):
    with pytest.raises(InvalidInput, match="tidak ada di kalender"):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5 million", 5_000_000),
        ("2.5 million", 2_500_000),
        ("Rp 5,000,000", 5_000_000),
        ("5,000,000", 5_000_000),
        ("5m", 5_000_000),  # to an English reader M is million
        ("1.5 billion", 1_500_000_000),
        ("750 thousand", 750_000),
        ("5,000,000 IDR", 5_000_000),
        ("5 juta", 5_000_000),  # Indonesian words are still understood
    ],
)
def test_parse_rupiah_reads_english_writing_for_english_readers(text, expected):
    assert parse_rupiah(text, locale="en") == expected


def test_the_letter_m_follows_the_readers_language():
    assert parse_rupiah("2 M") == 2_000_000_000  # miliar
    assert parse_rupiah("2 M", locale="en") == 2_000_000  # million
    assert parse_rupiah("2,5 juta") == parse_rupiah("Rp2.500.000") == 2_500_000
    with pytest.raises(InvalidInput):
        parse_rupiah("5 million dollars", locale="en")


def test_format_rupiah_per_locale():
    assert format_rupiah(1_500_000) == "Rp1.500.000"
    assert format_rupiah(1_500_000, locale="en") == "Rp1,500,000"
    assert format_rupiah(-10, locale="en") == "-Rp10"
