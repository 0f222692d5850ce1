"""NIK and invisible-only text are refused wherever a person types free text (issue 11, item 7)."""

from __future__ import annotations

import pytest

from bot.domain import ideas, people
from bot.domain.announcements.limits import check_body
from bot.domain.errors import InvalidInput
from bot.domain.plain_text import contains_nik, visible
from bot.domain.proposals import validators
from bot.domain.proposals.events import clean_note

NIKS = [
    "3201012345678901",
    "3201-0123-4567-8901",
    "3201 0123 4567 8901",
    "32.01.01.234567.8901",
    "3201\u200b0123\u200b4567\u200b8901",
    "3201–0123–4567–8901",  # en dashes, as phones autocorrect them
]
NOT_NIKS = ["Rp1.500.000 dan Rp2.000.000", "RW 05 RT 03, 2026", "320101234567890", "0812-3456-7890"]
INVISIBLE = ["\u200b\u200b\u200b", "\u2060\u200c\u200d\ufeff", "\u3164\u3164", "\u2800 \u2800"]


@pytest.mark.parametrize("text", NIKS)
def test_a_nik_is_caught_however_typed(text: str) -> None:
    assert contains_nik(f"Warga ber-NIK {text} butuh bantuan")


@pytest.mark.parametrize("text", NOT_NIKS)
def test_money_dates_and_phones_are_not_a_nik(text: str) -> None:
    assert not contains_nik(text)


@pytest.mark.parametrize("nik", NIKS[1:3])
def test_notes_reasons_ideas_and_announcements_refuse_a_nik(nik: str) -> None:
    text = f"Mohon cek warga dengan NIK {nik} sebelum lanjut"
    for check in (
        lambda: clean_note(text, required=True),
        lambda: ideas.clean_text(text),
        lambda: ideas.clean_reason(text),
        lambda: check_body(text, with_file=False),
        lambda: people.clean_name(f"Bu Siti {nik}"),
    ):
        with pytest.raises(InvalidInput) as caught:
            check()
        assert "NIK" in caught.value.message


@pytest.mark.parametrize("text", INVISIBLE)
def test_names_and_titles_of_invisible_characters_are_refused(text: str) -> None:
    assert visible(text) == ""
    with pytest.raises(InvalidInput):
        people.clean_name(text)
    with pytest.raises(InvalidInput):
        validators.judul(text * 3, None)  # type: ignore[arg-type]


def test_names_with_joiners_and_emoji_still_pass() -> None:
    assert people.clean_name("Bu Siti 👩\u200d🌾") == "Bu Siti 👩\u200d🌾"
    assert validators.judul("Jalan\u200b lingkungan RW 05", None) == "Jalan\u200b lingkungan RW 05"  # type: ignore[arg-type]
