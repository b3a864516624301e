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
    acceptance,
    answered,
    confidentiality,
    dispatch,
    extensions,
    guards,
    handling,
    intake,
    investigation,
    oversight,
    plans,
    rectification,
    referrals,
    repeats,
    returns,
    revisits,
    site,
)
