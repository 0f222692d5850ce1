"""Every view at its maximum fits Telegram's limits (issue 11, item 1), and the text_fit helper
cuts and splits HTML without ever breaking a tag or an entity.

Each view is built with every field at its longest, in emoji (two UTF-16 units each) and in
characters that HTML-escaping lengthens, then parsed as the simulator (and Telegram) would.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.ideas import IdeaView
from bot.domain.meetings.invitations import MeetingInfo, invitation_text
from bot.domain.meetings.views import MeetingDetail, OrganiserView, RsvpCounts
from bot.domain.proposals.lifecycle import Action, ProposalStatus
from bot.domain.proposals.views import (
    AttachmentView,
    DecisionView,
    FundingLine,
    PartnerView,
    ProposalView,
    TimelineEntry,
)
from bot.domain.text_fit import TEXT_LIMIT, cut, plain_length, shorten, split
from bot.i18n import Translator
from bot.simulator.html_check import parse_html, utf16_len
from conversations import idea_review
from conversations import proposal_form_view as form_view
from conversations import proposal_views as pv
from conversations.meetings.view import card
from storage.models import Proposal

LOCALES = ["id", "en"]


def longest(n: int) -> str:
    """`n` characters of the worst kind: astral emoji (2 units) and characters escaping grows."""
    return ("😀<&>\"' " * n)[:n]


def shown(markup: str, limit: int = TEXT_LIMIT) -> str:
    """What Telegram would show; fails as Telegram would refuse (bad HTML, too long, empty)."""
    plain, _ = parse_html(markup, strict=True)
    assert plain.strip(), "empty message"
    assert utf16_len(plain) <= limit, f"{utf16_len(plain)} > {limit}"
    return plain


# --- the helper itself ------------------------------------------------------------------------


def _random_html(rng: random.Random) -> str:
    pieces = ["a", "kata ", "\n", "😀", "é", "&amp;", "&lt;", "<b>", "<i>", '<a href="http://x">']
    out: list[str] = []
    stack: list[str] = []
    for _ in range(rng.randint(1, 300)):
        piece = rng.choice([*pieces, "CLOSE"])
        if piece == "CLOSE":
            if stack:
                out.append(f"</{stack.pop()}>")
        elif piece.startswith("<"):
            name = piece[1]
            if name not in stack:
                stack.append(name)
                out.append(piece)
        else:
            out.append(piece)
    out += [f"</{name}>" for name in reversed(stack)]
    return "".join(out)


def test_cut_and_split_keep_html_whole_and_within_the_limit() -> None:
    rng = random.Random(11)
    for _ in range(2000):
        markup = _random_html(rng)
        plain, _ = parse_html(markup, strict=True)
        if not plain.strip():
            continue
        limit = rng.randint(3, 150)
        assert plain_length(markup) == utf16_len(plain)
        shown(cut(markup, limit), limit)
        parts = split(markup, limit)
        together = "".join(shown(part, limit) for part in parts)
        assert "".join(together.split()) == "".join(plain.split())  # nothing lost, only breaks


def test_shorten_counts_utf16_and_prefers_a_word() -> None:
    assert shorten("😀" * 10, 5) == "😀😀…"
    assert shorten("satu dua tiga empat lima", 17) == "satu dua tiga…"
    assert shorten("pendek", 10) == "pendek"


# --- the views --------------------------------------------------------------------------------

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


def note(number: int) -> str:
    """A timeline note of 1000 characters that can be told apart from the others."""
    return f"N{number:03d}" + longest(996)


def proposal_view(partners: int = 30, timeline: int = 80) -> ProposalView:
    return ProposalView(
        id=9_223_372_036_854_775_807, code="PKT-2026-0042", status=ProposalStatus.IN_REVIEW,
        status_label="Sedang ditinjau", version=99, step="ringkasan", bkm_name=longest(150),
        kota_name=longest(100), kelurahan_name=longest(100), timezone="Asia/Jayapura",
        judul=longest(100), jenis="lingkungan", jenis_label="Lingkungan", komponen="lainnya",
        komponen_label="Lainnya", uraian=longest(2000), rw=longest(40), rt=longest(40),
        latitude=-6.9, longitude=107.6, kk=100_000, kk_miskin=100_000, perempuan=1_000_000,
        anggaran_total=999_999_999_999,
        funding=tuple(FundingLine(f"f{i}", "BLM PAKET", 999_999_999_999) for i in range(7)),
        funding_gap=0, swadaya_hok=1_000_000, jadwal_mulai=date(2026, 12, 1),
        jadwal_selesai=date(2029, 12, 1), ksm_pelaksana=longest(100),
        approved_amount=999_999_999_999, disbursed_amount=999_999_999_999, submitted_at=NOW,
        partners=tuple(
            PartnerView(i, longest(100), "kelompok_peduli", "declined" if i % 2 else "pledged",
                        999_999_999_999, longest(500), NOW, "in_kind", longest(500), 2027)
            for i in range(partners)
        ),
        timeline=tuple(
            TimelineEntry(NOW, "decline", "ditinjau", "ditinjau", "Sedang ditinjau", 99,
                          f"mitra:{longest(100)}", note(i), 999_999_999_999)
            for i in range(timeline)
        ),
        attachments=tuple(AttachmentView(i, "photo", "x", longest(100)) for i in range(20)),
        actions=(Action.REVISE, Action.APPROVE), editable=False,
        decision=DecisionView(ProposalStatus.APPROVED, "Disetujui", 999_999_999_999, longest(1000),
                              longest(100), date(2026, 11, 30), None),
        jiwa=1_000_000, komponen_lain=longest(100), volume=longest(100),
        rencana_label="PJM Pronangkis", rencana_program=longest(150),
    )  # fmt: skip


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("partners", [0, 7, 30])
def test_a_proposal_at_its_longest_fits_and_reads_in_full(locale: str, partners: int) -> None:
    tr = Translator(locale, "Asia/Jayapura")
    view = proposal_view(partners=partners)
    plain = shown(pv.render(tr, view))
    assert "PKT-2026-0042" in plain
    labels = [b.label for row in pv.view_keyboard(tr, view, {1}, "q1") for b in row]
    assert "📖 Baca selengkapnya" in labels or "📖 Read more" in labels
    parts = pv.render_full(tr, view)
    whole = "".join(shown(part) for part in parts)
    squeezed = "".join(whole.split())  # a split may fall on any space
    assert all("".join(note(i).split()) in squeezed for i in range(80))  # every note, whole


@pytest.mark.parametrize("locale", LOCALES)
def test_the_form_summary_at_its_longest_fits(locale: str) -> None:
    tr = Translator(locale, "Asia/Jakarta")
    view = proposal_view(partners=30)
    proposal = Proposal(
        id=1, bkm_id=1, kota_id=1, judul=longest(100), jenis="lingkungan", komponen="lainnya",
        komponen_lain=longest(100), uraian=longest(2000), volume=longest(100), rw=longest(40),
        rt=longest(40), kk=100_000, kk_miskin=100_000, jiwa=1_000_000, perempuan=1_000_000,
        rencana="pjm", rencana_program=longest(150), ksm_pelaksana=longest(100),
        anggaran_total=999_999_999_999,
    )  # fmt: skip
    mitra = [form_view.MitraOption(i, longest(100), "kelompok_peduli", True) for i in range(30)]
    extras = form_view.Extras(mitra=mitra, attachments=20)
    revision = ProposalView(**{**view.__dict__, "status": ProposalStatus.NEEDS_REVISION,
                               "timeline": (TimelineEntry(NOW, "status", "ditinjau",
                                            "perlu_perbaikan", "Perlu perbaikan", 2, "x",
                                            longest(1000), None),)})  # fmt: skip
    text = form_view.summary(tr, proposal, revision, extras, koordinator=True, owner=None)
    shown(text)
    assert form_view.summary_shortened(revision)


@pytest.mark.parametrize("locale", LOCALES)
def test_a_meeting_at_its_longest_fits(locale: str) -> None:
    tr = Translator(locale, "Asia/Makassar")
    info = MeetingInfo(
        id=1, kind="rapat_bkm", title=longest(100), starts_at=NOW + timedelta(days=1),
        duration_minutes=600, place=longest(300), latitude=-5.1, longitude=119.4,
        agenda=longest(1500), organiser=longest(100),
    )  # fmt: skip
    shown(invitation_text(tr, info))
    detail = MeetingDetail(info, "terjadwal", NOW + timedelta(days=2), "hadir", True, True, True)
    counts = RsvpCounts(yes=500, no=500, unanswered=2000, unanswered_names=(longest(100),) * 2000)
    board = OrganiserView(detail, None, counts, (), 99, True)
    shown(card(tr, detail, board, NOW))


@pytest.mark.parametrize("locale", LOCALES)
def test_an_idea_at_its_longest_fits(locale: str) -> None:
    tr = Translator(locale, "Asia/Jakarta")
    idea = IdeaView(
        id=1, bkm=longest(150), text=longest(500), author=longest(100), has_photo=True,
        photo_file_id="x", status="ditolak", created_at=NOW, reason=longest(500),
        proposal_code=None, proposal_status=None, may_draft=True, may_decline=True,
    )  # fmt: skip
    shown(idea_review._render(tr, idea))
