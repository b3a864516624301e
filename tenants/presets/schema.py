"""What a preset file and a demo file may hold, checked before anything is written."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    model_validator,
)

from ..models import Role
from ..settings import ChannelWord, PriorityWord, TenantSettings, known


def _no_nul(text: str) -> str:
    """PostgreSQL text cannot hold NUL: refused here, not a database error on import."""
    if "\x00" in text:
        raise ValueError("has a NUL character (\\u0000), which no text may hold")
    return text


NoNul = AfterValidator(_no_nul)
Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=100), NoNul]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PresetDepartment(_Frozen):
    """A unit of the organisation (部门)."""

    code: Code
    name: Name
    active: bool = True


class PresetCategory(_Frozen):
    """A kind of complaint and the department it goes to by default."""

    code: Code
    name: Name
    department: Code
    default_priority: PriorityWord = "normal"
    active: bool = True
    # Its cases need field work: the handler records reaching the scene (CITY-4, CITY-8).
    field_work: bool = False


class PresetCause(_Frozen):
    """A cause a finding may name (原因分类), for the statistics."""

    code: Code
    name: Name
    active: bool = True


class PresetRoute(_Frozen):
    """A routing rule: complaints matching every condition given go to ``department``.

    At least one condition is given; rules are tried in file order, the first match wins.
    """

    category: Code | None = None
    channel: ChannelWord | None = None
    keyword: Annotated[str, StringConstraints(max_length=100), NoNul] = ""
    location: Annotated[str, StringConstraints(max_length=100), NoNul] = ""
    department: Code
    active: bool = True

    @model_validator(mode="after")
    def _has_a_condition(self) -> PresetRoute:
        if not (self.category or self.channel or self.keyword.strip() or self.location.strip()):
            raise ValueError(f"a rule to {self.department!r} has no condition")
        return self


class PresetDay(_Frozen):
    """One of the tenant's own days in the working calendar (工作日历)."""

    day: dt.date
    working: bool
    note: Annotated[str, StringConstraints(max_length=200), NoNul] = ""


class Preset(_Frozen):
    """An organisation's starting point: its branding, settings and catalogue (rules.md)."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=200), NoNul]
    primary_color: Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
    logo_svg: str = ""
    letterhead: Annotated[str, StringConstraints(max_length=300), NoNul] = ""
    duty_contact_name: Annotated[str, StringConstraints(max_length=100), NoNul] = ""
    duty_contact_phone: Annotated[str, StringConstraints(max_length=50), NoNul] = ""
    case_prefix: Annotated[str, StringConstraints(pattern=r"^[A-Z]{1,10}$")]
    settings: TenantSettings = Field(default_factory=TenantSettings)
    departments: tuple[PresetDepartment, ...] = Field(min_length=1)
    categories: tuple[PresetCategory, ...] = Field(min_length=1)
    causes: tuple[PresetCause, ...] = ()
    routing: tuple[PresetRoute, ...] = ()
    calendar: tuple[PresetDay, ...] = ()

    @model_validator(mode="after")
    def _references_exist(self) -> Preset:
        departments = _unique("department", [d.code for d in self.departments])
        categories = _unique("category", [c.code for c in self.categories])
        _unique("cause", [c.code for c in self.causes])
        _unique("calendar day", [str(d.day) for d in self.calendar])
        active_departments = {d.code for d in self.departments if d.active}
        for category in self.categories:
            if category.department not in departments:
                raise ValueError(
                    f"category {category.code!r} goes to department {category.department!r}, "
                    f"which the preset does not have"
                )
            if category.active and category.department not in active_departments:
                raise ValueError(
                    f"category {category.code!r} goes to department {category.department!r}, "
                    f"which is deactivated"
                )
        for rule in self.routing:
            if rule.department not in departments:
                raise ValueError(f"a routing rule names no department {rule.department!r}")
            if rule.category is not None and rule.category not in categories:
                raise ValueError(f"a routing rule names no category {rule.category!r}")
        for rule in self.settings.deadline_overrides:
            if rule.category is not None and rule.category not in categories:
                raise ValueError(
                    f"the {rule.stage!r} rule names category {rule.category!r}, "
                    f"which the preset does not have"
                )
        for code in self.settings.plan_approval.categories:
            if code != "*" and code not in categories:
                raise ValueError(
                    f"plan_approval names category {code!r}, which the preset does not have"
                )
        return self


def _unique(kind: str, codes: list[str]) -> set[str]:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise ValueError(f"{kind} code {code!r} appears twice")
        seen.add(code)
    return seen


class DemoUser(_Frozen):
    """A staff account of the demo tenant (and of the tests' tenants)."""

    username: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)]
    name: Name
    role: Role
    department: Code | None = None


class DemoRectification(_Frozen):
    """An order to the unit at fault to put things right (CO-6)."""

    department: Code
    instructions: str


class DemoCase(_Frozen):
    """A sample complaint, taken as far along as ``stage``."""

    category: Code
    channel: ChannelWord
    name: Name
    phone: str
    email: str = ""
    location: str
    description: str
    stage: Annotated[str, known("status")]
    handler: str | None = None
    # A letter registered some days after it arrived.
    received_days_ago: int | None = Field(default=None, ge=0)
    rectify: DemoRectification | None = None
    remedy: str = ""
    # The position, in this file's cases, of an earlier case this one repeats.
    repeat_of: int | None = Field(default=None, ge=0)
    # A member of staff of another unit whose unit is asked to assist (协办) and answers.
    assist_by: str | None = None
    # The lesson of a teaching case (教学案例, HOSP-12); empty for none.
    lesson: str = Field(default="", max_length=1000)


class Demo(_Frozen):
    """A demo tenant of one preset: its address, its staff and sample cases.

    Validated with the preset as context, so every department, category and handler named
    here exists.
    """

    slug: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+$", max_length=40)]
    users: tuple[DemoUser, ...] = Field(min_length=1)
    cases: tuple[DemoCase, ...] = ()

    @model_validator(mode="after")
    def _references_exist(self, info: ValidationInfo) -> Demo:
        preset: Preset | None = (info.context or {}).get("preset")
        users = _unique("username", [u.username for u in self.users])
        departments = {d.code for d in preset.departments} if preset else None
        categories = {c.code for c in preset.categories} if preset else None
        for user in self.users:
            if departments is not None and user.department not in (None, *departments):
                raise ValueError(f"user {user.username!r}: no department {user.department!r}")
        roles = {u.role for u in self.users}
        if self.cases and not {Role.INTAKE, Role.HANDLER, Role.SUPERVISOR} <= roles:
            raise ValueError("sample cases need an intake clerk, a handler and a supervisor")
        for i, case in enumerate(self.cases):
            if categories is not None and case.category not in categories:
                raise ValueError(f"case {i}: no category {case.category!r}")
            if case.handler is not None and case.handler not in users:
                raise ValueError(f"case {i}: no user {case.handler!r} to handle it")
            if case.assist_by is not None and case.assist_by not in users:
                raise ValueError(f"case {i}: no user {case.assist_by!r} to assist")
            if case.repeat_of is not None and case.repeat_of >= i:
                raise ValueError(f"case {i}: repeat_of must name an earlier case")
            if (
                departments is not None
                and case.rectify is not None
                and case.rectify.department not in departments
            ):
                raise ValueError(f"case {i}: no department {case.rectify.department!r}")
        return self
