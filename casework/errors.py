"""Errors the domain raises; the web layer turns them into 404, 403 or a form message.

Messages are lazy strings so they come out in the user's language wherever they are shown.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """Base: a refused change, with a message fit for the user."""

    def __init__(self, message: object = None) -> None:
        super().__init__(message)
        self.message = message if message is not None else _l("This change is not allowed.")

    def __str__(self) -> str:
        return str(self.message)


class NotFound(DomainError):
    """Missing, or another tenant's: the same answer for both."""

    def __init__(self, message: object = None) -> None:
        super().__init__(message if message is not None else _l("Not found."))


class Forbidden(DomainError):
    """The actor's role may not take this action on this case."""

    def __init__(self, message: object = None) -> None:
        super().__init__(
            message if message is not None else _l("Your role may not do this on this case.")
        )


class InvalidTransition(DomainError):
    """The case's status does not allow the action."""


class InvalidInput(DomainError):
    """Input the domain refuses, with the field it concerns."""

    def __init__(self, field: str, message: object) -> None:
        super().__init__(message)
        self.field = field
