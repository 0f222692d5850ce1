"""Callback data for proposal buttons: short (Telegram allows 64 bytes) and parsed in one place.

    p:view:{code}           open one proposal            p:view:PKT-2026-0042
    p:open:{id}             open a draft (the form)      p:open:17
    p:files:{code}          send its attachments         p:files:PKT-2026-0042
    p:list:{page}           /status list, page n         p:list:2
    p:queue:{page}          review / mitra queue page    p:queue:1
    p:do:{action}:{id}      a life-cycle action          p:do:check:17
    pd:{verb}:{id}[:{arg}]  recording the committee's    pd:go:17, pd:out:17:approve,
                            decision, step by step       pd:mt:17:5 (a meeting), pd:ok:17
    f:{id}:ans:{step}:{code} answer a choice step        f:17:ans:jenis:lingkungan
    f:{id}:sel:{mitra}:{0|1} (un)select a partner        f:17:sel:4:1
    f:{id}:skip:{step}      Lewati                       f:17:skip:lokasi
    f:{id}:back:{step}      Kembali                      f:17:back:kk
    f:{id}:edit:{step}      edit a field from summary    f:17:edit:judul
    f:{id}:done:{step}      Selesai (mitra, lampiran)    f:17:done:mitra

Each form button names the step it was shown for, so a stale or double-tapped button is a
no-op in the domain instead of answering a different question.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64


def _checked(data: str) -> str:
    assert len(data.encode()) <= MAX_BYTES, data
    return data


def view(code: str) -> str:
    """Open one proposal by its tracking code."""
    return _checked(f"p:view:{code}")


def files(code: str) -> str:
    """Have the bot send a proposal's attachments (photos, PDFs) into the chat."""
    return _checked(f"p:files:{code}")


def open_draft(proposal_id: int) -> str:
    """Open a draft (it has no code yet) in the form."""
    return _checked(f"p:open:{proposal_id}")


def page(kind: str, number: int) -> str:
    """`kind` is "list" or "queue"."""
    return _checked(f"p:{kind}:{number}")


def action(name: str, proposal_id: int) -> str:
    """A life-cycle action (`lifecycle.Action` value) on one proposal."""
    return _checked(f"p:do:{name}:{proposal_id}")


def decide(verb: str, proposal_id: int, *extra: object) -> str:
    """A step of recording the committee's decision: go, out, mt, today, blm, skip, ok, edit, x."""
    return _checked(":".join(["pd", verb, str(proposal_id), *map(str, extra)]))


def form(proposal_id: int, verb: str, step: str, *extra: object) -> str:
    """A form button: verb is ans, sel, skip, back, edit or done."""
    return _checked(":".join(["f", str(proposal_id), verb, step, *map(str, extra)]))


@dataclass(frozen=True)
class Parsed:
    prefix: str  # "p" or "f"
    parts: tuple[str, ...]


def parse(data: str) -> Parsed | None:
    """Split callback data of this module's shapes; None for anything else."""
    prefix, _, rest = data.partition(":")
    if prefix not in ("p", "f") or not rest:
        return None
    return Parsed(prefix, tuple(rest.split(":")))
