"""Proposals (usulan), framework-free: plain async use cases over the store.

    lifecycle   statuses, labels, the transition table, allowed_actions
    steps       the form as data (steps, prompts, choices, validators)
    form        draft: start/resume, answer, skip, back, edit, discard
    form_lists  the form's partners (mitra multi-select) and attachments
    submit      submit (or hand to the koordinator), resubmit, withdraw
    review      the fasilitator's actions and review queue
    partners    a mitra's pledge or decline, and the mitra queue
    queries     /status list, one proposal by code, codes in free text
    views       the plain dataclasses those return
    notify      every notification text, in each recipient's language
    callbacks   callback-data shapes for the buttons
    access, events, form_store   shared internals

Every use case takes (session, clock, actor, …), checks permissions itself, never commits,
and records a timeline line, an audit row and the notifications of each change.
"""
