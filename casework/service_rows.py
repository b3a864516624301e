"""One row of a service export read as a service record: which column is which (headers in
Chinese or English), the words a kind may be written in, dates as people and Excel write
them, each error named by its column as headed in the file.
"""

from __future__ import annotations

import datetime as dt
import re

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from tenants.models import Tenant

from . import deadlines, labels, routing
from .errors import InvalidInput
from .operations import services
from .states import CaseKind

# The columns an export may have, by the words their headers may use (folded: lower case,
# no spaces, no punctuation). The order number, name, phone, date and content are required.
# fmt: off
HEADERS: dict[str, tuple[str, ...]] = {
    "source_ref": ("工单号", "工单编号", "派工单号", "单号", "编号",
                   "order", "orderno", "ordernumber", "workorder", "reference", "ref"),
    "kind": ("类型", "服务类型", "工单类型", "kind", "type"),
    "completed_at": ("完成时间", "完成日期", "完工时间", "完工日期",
                     "completed", "completedat", "completiondate", "done", "date"),
    "name": ("姓名", "客户", "客户姓名", "业主", "联系人", "name", "customer", "contact"),
    "phone": ("电话", "联系电话", "手机", "手机号", "phone", "mobile", "tel", "telephone"),
    "email": ("邮箱", "电子邮箱", "电子邮件", "email", "e-mail"),
    "location": ("地址", "位置", "房号", "地点", "address", "location", "place", "unit"),
    "description": ("内容", "服务内容", "维修内容", "描述", "说明",
                    "description", "content", "work", "details"),
    "category": ("类别", "分类", "category"),
    "service_from": ("开始日期", "合同开始", "起始日期", "from", "start", "servicefrom"),
    "service_until": ("结束日期", "合同结束", "截止日期", "until", "end", "serviceuntil"),
}
# fmt: on
REQUIRED = ("source_ref", "name", "phone", "completed_at", "description")
# The words a "kind" cell may use beyond the kinds' own values and labels.
KIND_WORDS = {
    "维修": CaseKind.WORK_ORDER, "报修": CaseKind.WORK_ORDER, "派工": CaseKind.WORK_ORDER,
    "派工单": CaseKind.WORK_ORDER, "维修工单": CaseKind.WORK_ORDER, "repair": CaseKind.WORK_ORDER,
    "特约": CaseKind.CONTRACTED, "特约服务": CaseKind.CONTRACTED, "contract": CaseKind.CONTRACTED,
    "求助": CaseKind.HELP, "help": CaseKind.HELP, "活动": CaseKind.EVENT, "event": CaseKind.EVENT,
    "新客户": CaseKind.NEW_CUSTOMER, "重要客户": CaseKind.HIGH_VALUE,
    "大客户": CaseKind.HIGH_VALUE, "其他": CaseKind.OTHER, "other": CaseKind.OTHER,
}  # fmt: skip
_PUNCT = re.compile(r"[\s_\-:：.()（）/\\*#]+")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
_TIME_FORMATS = ("%H:%M:%S", "%H:%M")


def fold(word: str) -> str:
    return _PUNCT.sub("", word.strip().lstrip("\ufeff")).lower()


COLUMN_OF = {fold(w): key for key, words in HEADERS.items() for w in words}


COLUMN_LABELS = {
    "source_ref": _l("Order number"),
    "kind": _l("Kind"),
    "completed_at": _l("Completed"),
    "name": _l("Name"),
    "phone": _l("Phone"),
    "email": _l("Email"),
    "location": _l("Address"),
    "description": _l("Content"),
    "category": _l("Category"),
    "service_from": _l("Contract from"),
    "service_until": _l("Contract until"),
}


def kinds() -> dict[str, CaseKind]:
    words = {fold(k): v for k, v in KIND_WORDS.items()}
    for kind in services.SERVICE_KINDS:
        words[fold(kind.value)] = kind
        for locale in ("zh_CN", "en"):
            with force_locale(locale):
                words[fold(labels.label(kind))] = kind
    return words


def moment(value: str | dt.datetime, tz: str) -> dt.datetime:
    """A completion time, as typed or as Excel stored it, in the tenant's zone: naive UTC."""
    if isinstance(value, dt.datetime):
        return deadlines.from_local(value.replace(tzinfo=None), tz)
    text = " ".join(value.replace("T", " ").split())
    day_part, _sp, time_part = text.partition(" ")
    for day_format in _DATE_FORMATS:
        try:
            day = dt.datetime.strptime(day_part, day_format).date()
        except ValueError:
            continue
        at = dt.time()
        if time_part:
            for time_format in _TIME_FORMATS:
                try:
                    at = dt.datetime.strptime(time_part, time_format).time()
                    break
                except ValueError:
                    continue
            else:
                raise ValueError(text)
        return deadlines.from_local(dt.datetime.combine(day, at), tz)
    raise ValueError(text)


def read_row(
    tenant: Tenant,
    values: dict[str, str | dt.datetime],
    default_kind: CaseKind,
    kinds: dict[str, CaseKind],
    columns: dict[str, str],
    now: dt.datetime,
) -> tuple[services.Checked | None, list[tuple[str, object]]]:
    errors: list[tuple[str, object]] = []

    def text(key: str) -> str:
        value = values.get(key, "")
        return value.strip() if isinstance(value, str) else str(value)

    kind = default_kind
    if text("kind"):
        kind = kinds.get(fold(text("kind")))
        if kind is None:
            errors.append((columns["kind"], _l("Not a kind of service we know.")))
    dates: dict[str, dt.datetime | None] = {}
    for key in ("completed_at", "service_from", "service_until"):
        raw = values.get(key, "")
        dates[key] = None
        if raw:
            try:
                dates[key] = moment(raw, tenant.timezone)
            except ValueError:
                errors.append(
                    (columns[key], _l("Not a date: write it as 2026-11-03 or 2026-11-03 14:30."))
                )
    if not text("source_ref"):
        errors.append((columns["source_ref"], _l("The order number is missing.")))
    category_id = None
    if text("category"):
        wanted = fold(text("category"))
        match = next(
            (
                c
                for c in routing.active_categories(tenant)
                if wanted in (fold(c.name), fold(c.code))
            ),
            None,
        )
        if match is None:
            errors.append((columns["category"], _l("Not one of your categories.")))
        else:
            category_id = match.id
    if errors:
        return None, errors
    local = {
        k: deadlines.to_local(v, tenant.timezone).date() if v else None for k, v in dates.items()
    }
    service = services.Service(
        kind=kind,
        description=text("description"),
        name=text("name"),
        phone=text("phone"),
        email=text("email"),
        location=text("location"),
        category_id=category_id,
        completed_at=dates["completed_at"],
        source_ref=text("source_ref"),
        service_from=local["service_from"],
        service_until=local["service_until"],
    )
    try:
        return services.check(tenant, service, now), []
    except InvalidInput as exc:
        key = {"category_id": "category"}.get(exc.field, exc.field)
        header = columns.get(key) or str(COLUMN_LABELS.get(key, key))
        return None, [(header, exc.message)]
