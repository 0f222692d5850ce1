"""Meetings (rapat) and their reminders, framework-free: plain async use cases over the store.

    kinds        meeting kinds, audience kinds, RSVP labels (codes + msgids)
    dates        typed date/time → aware UTC (dateparser, id + en), quick choices, format_when
    durations    duration and reminder offsets as typed ("90 menit", "24 jam, 1 jam")
    steps        the form as data (steps, prompts, choices, validators)
    form         the draft: start_or_resume, answer_step, skip_step, go_back, edit_field,
                 discard_draft, position
    audience     who is invited: codes ("bkm:5", "kota", "role:koordinator", "mitra"),
                 options for the organiser, the people named, permission checks
    schedule     schedule (confirm the summary), reschedule, cancel
    rsvp         answer (✅ Hadir / ❌ Berhalangan), until the meeting begins
    attendance   attendance_sheet, mark_attendance, confirm_attendance; minutes (berita acara)
    reminders    create_for, follow_reschedule, cancel_for, enqueue_due_reminders (scheduler)
    nudge        remind_unanswered: the organiser reminds the silent invitees now
    queries      upcoming, held, meeting_detail, organiser_view, summary, bkm_minutes
    views        the plain dataclasses those return
    invitations  texts and RSVP buttons per reader (language and zone), the calendar file
    notify       queue invitations and notices in the outbox (quiet hours applied)
    ics          the .ics calendar file
    callbacks    callback-data shapes ("mt:rsvp:17:y", "mt:f:17:ans:waktu:b09", "mt:m:17:…")
    access       loading, who may manage, invitees with their translators

Every use case takes (session, clock, actor, …), checks permissions itself, never commits, and
writes its audit row and its messages (outbox rows) into the caller's transaction. Domain errors
(NotFound, NotAllowed, InvalidTransition, InvalidInput) carry a short Indonesian msgid.

A chat flow for /rapatbaru looks like the proposal form:

    meeting = await form.start_or_resume(s, clock, actor)        # resumes an open draft
    where = form.position(meeting)                               # the question to ask
    await form.answer_step(s, clock, actor, meeting.id, step=where.name, value=text_or_code)
    ...                                                          # skip_step / go_back / edit_field
    lines = await queries.summary(s, tr, actor, meeting.id)      # at "ringkasan"
    await schedule.schedule(s, clock, actor, meeting.id,
                            default_offsets=chat.reminder_offsets, quiet_hours=chat.quiet_hours)

Choices for the buttons: steps.STEPS[...].choices (kinds), dates.QUICK_TIMES (+ quick_label),
durations.DURATION_CHOICES, durations.OFFSET_CHOICES (+ offsets_code), and
`await audience.options(s, actor, meeting)` for the audience step.
"""
