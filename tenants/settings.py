"""A tenant's settings, typed: what a preset tunes and the tenant admin may change.

The settings are stored as JSON on the tenant row (``tenants.settings``) and read through
:class:`TenantSettings`, so every key has one default and one validation, and a misspelt key
or a unit nobody knows fails where it is written instead of where it is first read.

Stage names, channels and priorities are the domain's words, and ``tenants`` imports nothing
of the domain. The domain declares them here with :func:`define_words` when it is imported;
validation checks against them and refuses everything while they are undeclared.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from .limits import Limit
from .limits import Unit as Unit  # re-exported: the domain reads units from here
from .revisit_policy import Revisiting
from .targets import Targets, Weights
from .wording import Letter

_words: dict[str, tuple[str, ...]] = {}


class UndefinedWords(LookupError):
    """Settings were checked before the domain declared the words they use: a bug."""


def define_words(kind: str, values: Iterable[str]) -> None:
    """Declare the domain's words of one kind (e.g. "stage"); a later call replaces them."""
    _words[kind] = tuple(str(v) for v in values)


def words(kind: str) -> tuple[str, ...]:
    """The words of ``kind`` the domain declared; raises :class:`UndefinedWords` if none."""
    try:
        return _words[kind]
    except KeyError:
        raise UndefinedWords(f"no {kind} words defined; import the domain first") from None


def known(kind: str) -> AfterValidator:
    """A field validator that accepts only the declared words of ``kind``."""

    def check(value: str) -> str:
        allowed = words(kind)
        if value not in allowed:
            raise ValueError(f"unknown {kind} {value!r}; known: {', '.join(allowed)}")
        return value

    return AfterValidator(check)


def _empty_is_none(value: Any) -> Any:
    return None if value == "" else value


StageKey = Annotated[str, known("stage")]
AttachmentType = Annotated[str, known("attachment_type")]
ChannelWord = Annotated[str, known("channel")]
PriorityWord = Annotated[str, known("priority")]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Override(Limit):
    """A special rule: a stage's limit for cases of one category, channel or priority.

    ``stage`` may also be "extension", the longest extension. The most specific rule that
    matches a case wins.
    """

    stage: StageKey
    category: Annotated[str | None, BeforeValidator(_empty_is_none)] = None
    channel: Annotated[ChannelWord | None, BeforeValidator(_empty_is_none)] = None
    priority: Annotated[PriorityWord | None, BeforeValidator(_empty_is_none)] = None


class NumberPattern(_Frozen):
    """How case numbers (受理编号) read after the tenant's prefix: a date part, then a sequence.

    The sequence counts per stem (prefix and date part), so a change of pattern never
    issues a number twice; see casework/numbering.py.
    """

    # strftime codes; empty for no date part (one sequence for ever).
    date_part: Literal["%Y%m%d", "%y%m%d", "%Y%m", "%Y", ""] = "%Y%m%d"
    width: int = Field(default=4, ge=3, le=8)


_HOURS = re.compile(r"\s*(\d{2}:\d{2})\s*[-–]\s*(\d{2}:\d{2})\s*")
ROUND_THE_CLOCK = ("", "24/7", "24x7")


def _business_hours(text: str) -> str:
    if text.strip() in ROUND_THE_CLOCK:
        return text.strip()
    match = _HOURS.fullmatch(text)
    try:
        start, end = (dt.time.fromisoformat(t) for t in match.groups())
    except (AttributeError, ValueError):
        raise ValueError(
            f"business hours {text!r} are not 'HH:MM-HH:MM', '24/7' or empty"
        ) from None
    if start >= end:
        raise ValueError(f"business hours {text!r} close before they open")
    return text


# Photos, PDF, Office documents and plain text: what complainants send, and nothing that runs.
DEFAULT_ATTACHMENT_TYPES = (
    "jpeg",
    "png",
    "gif",
    "webp",
    "heic",
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "txt",
)


def _all_channels() -> tuple[str, ...]:
    return words("channel")


# Which cases each role sees (CO-8): every case of the tenant, or its department's (the
# case's unit, the unit ordered to rectify it) and those named to the person.
SIGHTS = ("all", "department")
DEFAULT_CASE_SIGHT = {
    "intake": "all",
    "handler": "department",
    "dept_head": "department",
    "supervisor": "all",
    "admin": "all",
}


def _case_sight(value: Any) -> dict[str, str]:
    """The tenant's sight per role over the defaults; every key a role word, each "all" or
    "department"."""
    from .models import Role  # models imports this module; the roles are read when checked

    if not isinstance(value, dict):
        raise ValueError(f"case_sight {value!r} is not a table of role → sight")
    roles = [r.value for r in Role]
    for role, sight in value.items():
        if role not in roles:
            raise ValueError(f"unknown role {role!r} in case_sight; known: {', '.join(roles)}")
        if sight not in SIGHTS:
            raise ValueError(f"case_sight of {role} is {sight!r}; one of {', '.join(SIGHTS)}")
    return {**DEFAULT_CASE_SIGHT, **value}


# Who holds the personal-data right (个人信息查看权): the roles that read a complainant's
# phone, email, address and ID number in full. Everyone else reads them masked and reveals
# them with a reason, logged (CO-8; CITY-8: the handler asks the duty room for the phone).
DEFAULT_PERSONAL_DATA_ROLES = ("intake", "supervisor", "admin")


def _role_words(value: Any) -> tuple[str, ...]:
    """A list of role words, each once."""
    from .models import Role  # models imports this module; the roles are read when checked

    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ValueError(f"{value!r} is not a list of roles")
    roles = [r.value for r in Role]
    for role in value:
        if role not in roles:
            raise ValueError(f"unknown role {role!r}; known: {', '.join(roles)}")
    if len(set(value)) != len(value):
        raise ValueError(f"roles {list(value)} name one role twice")
    return tuple(value)


UNIT_PLACEHOLDER = "{unit}"
DISPATCH_NOTICE_LENGTH = 120


def _dispatch_notice(text: str) -> str:
    """Empty, or one sentence or two that name the unit through ``{unit}``, once."""
    text = " ".join(text.split())
    if not text:
        return ""
    if len(text) > DISPATCH_NOTICE_LENGTH:
        raise ValueError(
            f"dispatch_notice has {len(text)} characters; at most {DISPATCH_NOTICE_LENGTH}"
        )
    if text.count(UNIT_PLACEHOLDER) != 1:
        raise ValueError(f"dispatch_notice must name the unit once, as {UNIT_PLACEHOLDER}")
    return text


# An amount of the plan policy, in whole yuan.
Amount = Annotated[int, Field(ge=0, le=9_999_999_999)]


class PlanApproval(_Frozen):
    """When a handling plan (处理方案) needs approval, and whose (MALL-5, PROP-2).

    A plan needs approval when its case's category code is listed (``"*"`` for every
    category) or its proposed amount is above ``above``. The case department's head
    approves it; above ``head_limit`` (the head's authority) the ``manager_role`` does.
    With ``result_needs_plan`` a case whose plan would need approval cannot record its
    result (or a remedy above ``above``) without an approved plan; without it, a plan is
    the handler's choice, but one drafted must be approved before the result.
    """

    categories: tuple[str, ...] = ()
    above: Amount | None = None
    head_limit: Amount | None = None
    manager_role: Literal["supervisor", "admin"] = "supervisor"
    result_needs_plan: bool = False


# Who sees a restricted case (PROP-3: a complaint about a named member of staff, or a case a
# supervisor marked sensitive): the managers holding one of these roles, never the staff
# member it is about. At least one role, or nobody could read such a case.
DEFAULT_RESTRICTED_CASE_VIEWERS = ("supervisor", "admin")


def _viewer_roles(value: Any) -> tuple[str, ...]:
    roles = _role_words(value)
    if not roles:
        raise ValueError("restricted_case_viewers must name at least one role")
    return roles


# The text-message gateway (短信): the built-in log, or an HTTP gateway of the tenant's own.
SMS_PROVIDERS = ("log", "http")
SMS_SIGN_LENGTH = 12


def _gateway_url(url: str) -> str:
    url = url.strip()
    if url and not re.fullmatch(r"https?://[^\s/?#]+[^\s]*", url):
        raise ValueError(f"sms.url {url!r} must be an http:// or https:// address")
    return url


class Sms(_Frozen):
    """How the tenant's texts leave: kept in the desk's message log, or posted to a gateway.

    ``api_key`` is the gateway's key sealed with :func:`tenants.secrets.seal`, never plain;
    read it through casework.texting. ``sign_name`` is the 签名 every text starts with
    (the tenant's name when empty).
    """

    provider: Literal["log", "http"] = "log"
    url: Annotated[str, AfterValidator(_gateway_url), Field(max_length=300)] = ""
    sign_name: Annotated[str, Field(max_length=SMS_SIGN_LENGTH)] = ""
    account: Annotated[str, Field(max_length=100)] = ""
    api_key: Annotated[str, Field(max_length=1000)] = ""

    @model_validator(mode="after")
    def _check(self) -> Sms:
        if self.provider == "http" and not self.url:
            raise ValueError("sms.url is needed for the http provider")
        return self


# Who signs the daily review (CITY-7) where the tenant names nobody else: the managers.
DEFAULT_DAY_REVIEWERS = ("supervisor", "admin")


# An address as a mail server takes it: something, an @, a domain with a dot.
ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MOST_RECIPIENTS = 20


def _addresses(value: tuple[str, ...]) -> tuple[str, ...]:
    """Report recipients: each a mail address, none twice, at most twenty."""
    cleaned = tuple(dict.fromkeys(a.strip() for a in value if a.strip()))
    for address in cleaned:
        if not ADDRESS.fullmatch(address) or len(address) > 200:
            raise ValueError(f"report recipient {address!r} is not a mail address")
    if len(cleaned) > MOST_RECIPIENTS:
        raise ValueError(f"at most {MOST_RECIPIENTS} report recipients")
    return cleaned


class TenantSettings(_Frozen):
    """Everything a tenant tunes that has no column of its own, with its defaults."""

    # How complaints may arrive (CO-1); every channel when the preset names none.
    channels: tuple[ChannelWord, ...] = Field(default_factory=_all_channels, min_length=1)
    # Each stage's time limit (and "extension", the longest extension), by stage key.
    deadlines: dict[StageKey, Limit] = Field(default_factory=dict)
    deadline_overrides: tuple[Override, ...] = ()
    letter: Letter = Letter()
    case_number: NumberPattern = NumberPattern()
    # When the two reminders fire, as fractions of the time allowed.
    reminders: tuple[float, float] = (0.5, 0.8)
    extension_approver: Literal["dept_head", "supervisor"] = "dept_head"
    # The hours hour-based limits count, "08:30-17:30"; empty or "24/7" for round the clock.
    business_hours: Annotated[str, AfterValidator(_business_hours)] = ""
    # The kinds of file a complaint may carry, read from the file's bytes; empty for none.
    attachment_types: tuple[AttachmentType, ...] = DEFAULT_ATTACHMENT_TYPES
    # The reply limit of tenants made before limits were kept per stage.
    reply_deadline: Limit | None = None
    # Which cases each role sees, "all" or "department" (CO-8); a person with several
    # roles sees what any of them sees. Read it through casework.access.sight().
    case_sight: Annotated[dict[str, str], BeforeValidator(_case_sight)] = Field(
        default_factory=lambda: dict(DEFAULT_CASE_SIGHT)
    )
    # The roles that read complainants' personal data unmasked; read it through
    # casework.privacy.may_see().
    personal_data_roles: Annotated[tuple[str, ...], BeforeValidator(_role_words)] = (
        DEFAULT_PERSONAL_DATA_ROLES
    )
    # After explaining to a complainant not satisfied with the result (MALL-6): the case
    # goes back to handling, is closed as explained, or staff choose case by case.
    not_satisfied: Literal["choose", "reopen", "close"] = "choose"
    # What the complainant is told when a unit takes their case (HOSP-4), with {unit} where
    # the unit's name goes; empty for the product's own sentence.
    dispatch_notice: Annotated[str, AfterValidator(_dispatch_notice)] = ""
    # When handling plans need approval and by whom; read it through casework.operations.plans.
    plan_approval: PlanApproval = PlanApproval()
    # The roles that see restricted cases (PROP-3); read it through casework.restricted.
    restricted_case_viewers: Annotated[tuple[str, ...], BeforeValidator(_viewer_roles)] = (
        DEFAULT_RESTRICTED_CASE_VIEWERS
    )
    # Repeat contacts (CITY-6): intake offers a case of the same place and category filed
    # within this many days, and a closed case of the same caller or place closed within it.
    repeat_window: int = Field(default=30, ge=1, le=366)

    # Text messages (短信): which provider sends them, and the gateway's details.
    sms: Sms = Sms()
    # The roles that sign the daily review of the last three days' intake (CITY-7); read it
    # through casework.review.may_review().
    day_reviewers: Annotated[tuple[str, ...], BeforeValidator(_role_words)] = DEFAULT_DAY_REVIEWERS
    # Revisits (回访): rules per kind of case, the sampling table, the questionnaire.
    revisiting: Revisiting = Field(default_factory=Revisiting)
    # The floors the dashboard's figures are shown against; read them through casework.stats.
    targets: Targets = Targets()
    # Which figures a handler's assessment score counts, and how much (考核, POWER-5).
    assessment: Weights = Weights()
    # Who is mailed last month's summary report (统计报告) early each month; none: no mail.
    report_recipients: Annotated[tuple[str, ...], AfterValidator(_addresses)] = ()

    @model_validator(mode="after")
    def _check(self) -> TenantSettings:
        first, second = self.reminders
        if not 0 < first < second < 1:
            raise ValueError(
                f"reminders {list(self.reminders)} must be two fractions, 0 < first < second < 1"
            )
        if len(set(self.channels)) != len(self.channels):
            raise ValueError(f"channels {list(self.channels)} name one channel twice")
        if len(set(self.attachment_types)) != len(self.attachment_types):
            raise ValueError(f"attachment_types {list(self.attachment_types)} name one twice")
        return self

    def to_json(self) -> dict[str, Any]:
        """The settings as stored: only the keys that were given, in the shape rows hold."""
        return self.model_dump(mode="json", exclude_unset=True, exclude_none=True)
