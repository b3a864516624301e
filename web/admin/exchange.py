"""Tenant administration: the organisation's configuration as one file, to download.

The file is the presets' format (casework/exchange.py): the platform operator creates a new
organisation from it, as from a preset, and ``flask tenants create --from-file`` does too.
"""

from __future__ import annotations

from flask import g, make_response, render_template
from flask_babel import lazy_gettext as _l

from casework import exchange
from tenants.models import Role

from ..tenancy import staff_required
from . import bp, section

section("admin.exchange", _l("Configuration file"))


@bp.get("/configuration", endpoint="exchange")
@staff_required(Role.ADMIN)
def exchange_page():
    """What the configuration file holds and what it leaves out, with its download."""
    try:
        config, problem = exchange.export_config(g.tenant), None
    except exchange.PresetError as exc:
        config, problem = None, str(exc)
    return render_template(
        "admin/exchange.html",
        config=config,
        problem=problem,
        text=exchange.dump(config) if config is not None else "",
        has_png_logo=bool(g.tenant.logo_etag),
    )


@bp.get("/configuration.toml")
@staff_required(Role.ADMIN)
def export_config():
    """The configuration file itself, as a download named after the organisation's address."""
    try:
        text = exchange.dump(exchange.export_config(g.tenant))
    except exchange.PresetError:
        return exchange_page(), 409
    response = make_response(text.encode("utf-8"))
    response.content_type = "application/toml; charset=utf-8"
    response.headers.set(
        "Content-Disposition", "attachment", filename=f"{g.tenant.slug}-config.toml"
    )
    return response
