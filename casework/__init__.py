"""The case lifecycle (投诉处理及回访), knowing nothing of HTTP.

Views and jobs change cases only through the verb functions in :mod:`casework.operations`;
each checks the transition and role, mutates, appends the history event and records any
after-commit work in the outbox.
"""
