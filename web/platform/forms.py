"""The console's forms: the operator's log-in, a new tenant (from a preset or a file), pausing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from tenants import presets

SLUG_PATTERN = r"^[a-z0-9-]+$"
USERNAME_PATTERN = r"^[A-Za-z0-9._@-]+$"
CONFIG_MAX_BYTES = 1024 * 1024  # a preset with an inline SVG logo is a few kilobytes


class OperatorLoginForm(FlaskForm):
    """A platform operator's user name and password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class _NewTenant(FlaskForm):
    """What every new tenant needs: its address and its first admin."""

    slug = StringField(
        _l("Address name"),
        validators=[
            DataRequired(),
            Length(max=40),
            Regexp(SLUG_PATTERN, message=_l("Use lower-case letters, digits and hyphens only.")),
        ],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    admin_username = StringField(
        _l("Admin's user name"),
        validators=[
            DataRequired(),
            Length(max=80),
            Regexp(USERNAME_PATTERN, message=_l("Use letters, digits and . _ @ - only.")),
        ],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    admin_name = StringField(_l("Admin's name"), validators=[DataRequired(), Length(max=100)])
    admin_email = StringField(
        _l("Admin's email"), validators=[DataRequired(), Length(max=200), Email()]
    )


class PresetTenantForm(_NewTenant):
    """A new tenant from one of the presets."""

    name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=200)])
    preset = SelectField(_l("Preset"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Read per form: a preset is a file, and a new file is a new preset.
        self.preset.choices = [(name, _preset_label(name)) for name in presets.available()]


class FileTenantForm(_NewTenant):
    """A new tenant from an uploaded configuration file (the presets' own format)."""

    name = StringField(
        _l("Organisation name"),
        validators=[Optional(), Length(max=200)],
        description=_l("Leave empty to use the name in the file."),
    )
    config = FileField(
        _l("Configuration file (TOML)"),
        validators=[
            FileRequired(message=_l("Choose a configuration file.")),
            FileSize(CONFIG_MAX_BYTES, message=_l("The file is larger than 1 MB.")),
        ],
    )


class TenantActionForm(FlaskForm):
    """Suspend or resume one tenant, named by its address name."""

    tenant = HiddenField(validators=[DataRequired(), Length(max=40)])


def _preset_label(name: str) -> str:
    try:
        return f"{presets.load_preset(name).name} ({name})"
    except (presets.PresetError, KeyError):
        return name
