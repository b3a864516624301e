"""Inbound channels: complaints that arrive by mailbox, SMS or an upstream hotline.

Each channel gets one adapter here that turns an arriving message into the domain's intake
record, :class:`casework.operations.Complaint` (with its channel, and the time it arrived as
``received_at`` so the acceptance clock runs from then), and calls ``open_case`` with it,
exactly as the portal and staff intake do. An adapter runs as a job with its tenant bound
(:func:`jobs.runtime.job`), polled by the schedule or fed by a webhook, and takes ids or the
raw message, never ORM objects, and recognises a message it has already taken, so a
redelivery opens no second case. No channel is wired up yet.
"""
