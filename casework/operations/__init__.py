"""The verbs of the case lifecycle, one function per change, in one module per area.

Each verb checks the action through :mod:`.guards` (status, role, ownership and the
action's own precondition), mutates the case, appends a history event and records
after-commit work. None of them commits: the caller (a request, a job, a CLI command)
commits once, so a refused change leaves nothing half-saved. Reads live in
:mod:`casework.queries`. A new action is one verb (and its precondition) in its area's
module here, beside its member of :class:`~casework.states.Action`.
"""

# Every area registers its actions' preconditions with the guards at import.
from ..labels import UNIT as UNIT_LABELS  # noqa: E402,F401
from ..queries import open_rectification, pending_extension, rectifications  # noqa: E402,F401
from . import (  # noqa: F401
    dispatch,
    extensions,
    guards,
    handling,
    intake,
    oversight,
    rectification,
    repeats,
    revisits,
)

# TRANSITION: the flat names callers used before the split; removed once they import areas.
from .dispatch import dispatch_case  # noqa: E402,F401
from .extensions import (  # noqa: E402,F401
    decide_extension,
    pause_case,
    request_extension,
    resume_case,
)
from .handling import add_note, record_contact, record_result, send_result  # noqa: E402,F401
from .intake import MAX_ATTACHMENT_BYTES, Complaint, normalise_phone, open_case  # noqa: E402,F401
from .oversight import supervise_case, urge_case  # noqa: E402,F401
from .rectification import complete_rectification, order_rectification  # noqa: E402,F401
from .repeats import mark_repeat, record_special_measures  # noqa: E402,F401
from .revisits import REVISIT_METHODS, record_revisit  # noqa: E402,F401


def unit_label(unit):  # TRANSITION
    from ..labels import label

    return label(unit)


def status_label(status):  # TRANSITION
    from ..labels import label

    return label(status)
