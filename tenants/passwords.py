"""The rules a staff password must meet: long enough, and not one people guess first.

The check is zxcvbn's: its list of the 30,000 most common passwords, and its estimate of how
many guesses a password takes, with the person's own name, user name and email counted as
known to the guesser. A password found whole in the list is refused with that reason; one
that scores below :data:`MIN_SCORE` is refused as too easy to guess.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn
from zxcvbn.matching import RANKED_DICTIONARIES

MIN_LENGTH = 10
MAX_LENGTH = 200
# zxcvbn's scale runs 0-4; 3 is "safely unguessable", about 10^8 guesses or more.
MIN_SCORE = 3
# zxcvbn refuses longer input; a longer password is at least as strong as its start.
_SCORED_LENGTH = 72

# zxcvbn keeps the user's own words in a module-level dictionary while it scores, so two
# threads scoring at once would see each other's words.
_lock = threading.Lock()


class WeakPassword(ValueError):
    """A password the rules refuse, with the reason in the user's language."""

    def __init__(self, message: object) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def problem(password: str, user_inputs: Iterable[str] = ()) -> object | None:
    """Why ``password`` is refused (a lazy string), or None when it is good enough."""
    if len(password) < MIN_LENGTH:
        return _l("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Use at most %(n)d characters.", n=MAX_LENGTH)
    if not password.strip():
        return _l("A password cannot be only spaces.")
    if RANKED_DICTIONARIES["passwords"].get(password.lower()) is not None:
        return _l("This is one of the most common passwords; choose another.")
    words = [w for w in user_inputs if w]
    with _lock:
        score = zxcvbn(password[:_SCORED_LENGTH], user_inputs=words)["score"]
    if score < MIN_SCORE:
        return _l(
            "This password is too easy to guess: avoid names, dates, keyboard rows and common "
            "words, or make it longer."
        )
    return None


def check(password: str, user_inputs: Iterable[str] = ()) -> None:
    """Raise :class:`WeakPassword` unless ``password`` meets the rules."""
    reason = problem(password, user_inputs)
    if reason is not None:
        raise WeakPassword(reason)
