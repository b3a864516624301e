"""Staff log-in and log-out, per tenant."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

from tenants import accounts

bp = Blueprint("auth", __name__, url_prefix="/t/<slug>/desk")


@bp.record_once
def _prepare_dummy_hash(state: BlueprintSetupState) -> None:
    # Made at start, so the first unknown name is no slower than any other.
    accounts.dummy_hash(state.app.config["PASSWORD_HASH_METHOD"])


from . import views  # noqa: E402,F401
