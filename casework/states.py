"""The case's vocabulary: statuses, stages, channels, actions, kinds of history entry and
the other words the domain keeps as enums. Which action may start from which status, and by
which roles, is the transition table in :mod:`casework.transitions`.
"""

from __future__ import annotations

import enum

from tenants.settings import define_words


class Status(enum.StrEnum):
    """Where a case stands."""

    ACCEPTED = "accepted"  # 已受理: numbered, receipt issued, waiting for dispatch
    DISPATCHED = "dispatched"  # 已派单: a department and handler are named
    IN_PROGRESS = "in_progress"  # 处理中: the handler is investigating
    RESOLVED = "resolved"  # 已办结: result and remedy recorded, not yet told
    AWAITING_REVISIT = "awaiting_revisit"  # 待回访: the complainant has the result
    CLOSED = "closed"  # 已归档: revisited and archived read-only


OPEN_STATUSES = frozenset(Status) - {Status.CLOSED}


class Channel(enum.StrEnum):
    """How a complaint arrived (CO-1, MALL-2, CITY-1, HOSP-2)."""

    WEB = "web"
    PHONE = "phone"
    HOTLINE = "hotline"
    WALK_IN = "walk_in"
    LETTER = "letter"
    EMAIL = "email"
    COMPLAINT_BOX = "complaint_box"


class Stage(enum.StrEnum):
    """A stretch of handling with its own time limit (办理时限)."""

    ACCEPTANCE = "acceptance"  # 受理 (CO-2: within 24 hours)
    DISPATCH = "dispatch"  # 派单 (CITY-4: hotline within 3 minutes)
    FIRST_CONTACT = "first_contact"  # 首次联系投诉人
    RESULT = "result"  # 答复 (CO-4, PROP-4)
    REVISIT = "revisit"  # 回访 (PROP-9: within 3 days of handling)
    SPECIAL_MEASURES = "special_measures"  # 特别措施 (PROP-12: repeat complaint, 24 hours)
    RECTIFICATION = "rectification"  # 整改 (CO-6)
    URGE_RESPONSE = "urge_response"  # 催办: the handler answers an urging notice
    SUPERVISION = "supervision"  # 督办: a supervised case must reach its result
    PLAN_APPROVAL = "plan_approval"  # 方案审批: the approver decides a submitted plan
    ASSIST = "assist"  # 协办: an assisting unit answers its part (CO-3, ESTATE-2)
    ON_SITE = "on_site"  # 到达现场: the handler reaches the scene of field work (CITY-8)


class Priority(enum.StrEnum):
    """How urgent a complaint is; policies may give urgent cases shorter limits."""

    NORMAL = "normal"
    URGENT = "urgent"  # 紧急: safety, health, a repeat complaint


class Action(enum.StrEnum):
    """Every verb that moves or annotates a case."""

    DISPATCH = "dispatch"
    TAKE = "take"  # 认领: a handler of the department takes an unassigned case
    NOTE = "note"
    CONTACT = "contact"
    RESULT = "result"
    SEND_RESULT = "send_result"
    REVISIT = "revisit"
    EXTEND = "extend"  # 延期申请
    URGE = "urge"  # 催办
    SUPERVISE = "supervise"  # 督办
    DECIDE_EXTENSION = "decide_extension"  # 延期审批
    PAUSE = "pause"  # 暂停计时: waiting for the complainant
    RESUME = "resume"
    MARK_REPEAT = "mark_repeat"  # 重复投诉: link to the earlier case it repeats
    SPECIAL_MEASURES = "special_measures"  # 特别措施 (PROP-12)
    ORDER_RECTIFICATION = "order_rectification"  # 整改通知 (CO-6)
    RECTIFIED = "rectified"  # 整改完成: the unit at fault reports it done
    NOT_SATISFIED = "not_satisfied"  # 不满意解释 (MALL-6): explained; reopened or closed
    MARK_TEACHING = "mark_teaching"  # 教学案例 (HOSP-12)
    DRAFT_PLAN = "draft_plan"  # 处理方案: draft or revise the handling plan
    SUBMIT_PLAN = "submit_plan"  # 提交审批
    DECIDE_PLAN = "decide_plan"  # 方案审批: approve, or return with a comment
    REFER_UP = "refer_up"  # 上报 (PROP-2): to the head, from a head to the manager
    RESTRICT = "restrict"  # 列为敏感件: only the managers the policy names see it (PROP-3)
    LIFT_RESTRICTION = "lift_restriction"  # 解除敏感件
    ASK_ASSIST = "ask_assist"  # 协办: the lead unit asks another department to assist
    ANSWER_ASSIST = "answer_assist"  # 协办回复: the assisting unit answers its part
    ADD_MEMBER = "add_member"  # 调查组: name a member of the investigation group (HOSP-5)
    REMOVE_MEMBER = "remove_member"
    ADD_EVIDENCE = "add_evidence"  # 调查取证: a statement, photo or document by staff
    RETURN_CASE = "return_case"  # 退单: the unit sends a case outside its remit back to dispatch
    ARRIVE = "arrive"  # 到达现场: the handler records reaching the scene (CITY-8)
    REPEAT_CONTACT = "repeat_contact"  # 重复来电: another call about the case, recorded on it
    MERGE = "merge"  # 合并: a duplicate case closed into the one that goes on
    REFER_OUT = "refer_out"  # 告知转办 (CITY-5): outside the remit; told where to turn
    RETURN_UPSTREAM = "return_upstream"  # 退回上级 (CITY-5): back to the office that forwarded it


class EventKind(enum.StrEnum):
    """What one entry of a case's history (办理记录) records."""

    ACCEPTED = "accepted"
    DISPATCHED = "dispatched"
    TAKEN = "taken"
    STARTED = "started"
    NOTE = "note"
    CONTACT = "contact"
    RESULT = "result"
    RESULT_SENT = "result_sent"
    REVISIT = "revisit"
    CLOSED = "closed"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENDED = "extended"
    EXTENSION_REFUSED = "extension_refused"
    URGED = "urged"
    SUPERVISED = "supervised"
    PAUSED = "paused"
    RESUMED = "resumed"
    MARKED_REPEAT = "marked_repeat"
    SPECIAL_MEASURES = "special_measures"
    RECTIFICATION_ORDERED = "rectification_ordered"
    RECTIFIED = "rectified"
    COMPLAINANT_ADDED = "complainant_added"  # 补充材料: information or a file from the complainant
    EXPLAINED = "explained"  # 解释说明 (MALL-6): the explanation given and the claim made
    REOPENED = "reopened"  # back to handling after the complainant was not satisfied
    TEACHING = "teaching"  # marked (or unmarked) as a teaching case (HOSP-12)
    PLAN_DRAFTED = "plan_drafted"
    PLAN_SUBMITTED = "plan_submitted"
    PLAN_APPROVED = "plan_approved"
    PLAN_RETURNED = "plan_returned"
    REFERRED_UP = "referred_up"
    RESTRICTED = "restricted"  # 列为敏感件 / 针对员工的投诉: seen only by the named managers
    RESTRICTION_LIFTED = "restriction_lifted"  # 解除敏感件
    ASSIST_ASKED = "assist_asked"
    ASSIST_ANSWERED = "assist_answered"
    ASSIST_WITHDRAWN = "assist_withdrawn"  # closed unanswered when the result did not wait
    MEMBER_ADDED = "member_added"
    MEMBER_REMOVED = "member_removed"
    EVIDENCE_ADDED = "evidence_added"
    RETURNED = "returned"  # 退单: back to the dispatchers, with the unit's basis
    ARRIVED = "arrived"  # 到达现场: the handler reached the scene, with a note (CITY-8)
    ANSWERED_AT_ONCE = "answered_at_once"  # 当场答复 (CITY-3, PROP-1): the answer given at intake
    REPEAT_CONTACT = "repeat_contact"  # 重复来电 (CITY-6): another contact, recorded in full
    MERGED = "merged"  # this case was closed as merged into another (the survivor)
    MERGED_IN = "merged_in"  # another case was merged into this one
    REFERRED_OUT = "referred_out"  # 告知转办: the body to turn to and why, told to the complainant
    RETURNED_UPSTREAM = "returned_upstream"  # 退回上级: the reason and a suggested destination
    SERVICE_RECORDED = "service_recorded"  # a work order or other service, entered or imported
    REVISIT_PLANNED = "revisit_planned"  # 回访计划: a revisit is due by a date, by a method
    REVISIT_CALL = "revisit_call"  # a revisit attempt that did not reach the person
    REVISIT_LINK_SENT = "revisit_link_sent"  # the questionnaire's link was mailed or texted
    REVISIT_SCHEDULED = "revisit_scheduled"  # a home visit booked: when, where, who
    REVISIT_UNREACHABLE = "revisit_unreachable"  # every attempt failed; the revisit gave up
    REVISIT_QUESTION = "revisit_question"  # PROP-7: a question for management, answer promised
    QUESTION_ANSWERED = "question_answered"  # management's answer to that question
    WATCH_STARTED = "watch_started"  # PROP-11: an important repair put under watch
    WATCH_INSPECTED = "watch_inspected"  # an inspection of the watched repair, and its finding
    WATCH_CLOSED = "watch_closed"  # the watch ended, with the reason


class Closure(enum.StrEnum):
    """How a case came to be closed and archived (结案方式)."""

    REVISITED = "revisited"  # the revisit reached the complainant (CO-7)
    EXPLAINED = "explained"  # not satisfied, explained, and closed as the policy allows (MALL-6)
    ANSWERED_AT_ONCE = "answered_at_once"  # answered or solved during the call (CITY-3, PROP-1)
    MERGED = "merged"  # a duplicate, closed into the case that goes on (合并)
    REFERRED_OUT = "referred_out"  # outside the remit: told which body to turn to (CITY-5)
    RETURNED_UPSTREAM = "returned_upstream"  # returned to the higher office that forwarded it
    COMPLETED = "completed"  # a service record (a work order done, an event held): 已完成
    NOT_REACHED = "not_reached"  # every revisit attempt failed (无法回访): closed unrevisited


class Outcome(enum.StrEnum):
    """What follows the explanation to a complainant not satisfied with the result (MALL-6)."""

    REOPEN = "reopen"  # back to handling for a new result
    CLOSE = "close"  # closed as explained


# The kinds whose text is written for the complainant: a note staff marked public when they
# wrote it, and the result as sent. Every other text on a case is staff text (dispatch
# instructions, the reason for a pause or an extension, what an urging notice expects...)
# and stays internal even where the event itself is shown to the complainant.
# The complainant's own addition is their text: it is shown back to them.
# A referral out (CITY-5) is written for them too: why, and the body to turn to.
TEXT_FOR_THE_COMPLAINANT = frozenset(
    {
        EventKind.NOTE,
        EventKind.RESULT_SENT,
        EventKind.COMPLAINANT_ADDED,
        EventKind.ANSWERED_AT_ONCE,  # the answer the complainant was given during the call
        EventKind.REFERRED_OUT,
    }
)


class CaseKind(enum.StrEnum):
    """What a case is a record of (PROP-9, CS-1): a complaint, or a service to revisit."""

    COMPLAINT = "complaint"  # 投诉
    WORK_ORDER = "work_order"  # 派工单: a repair done
    CONTRACTED = "contracted"  # 特约服务: a contracted (special) service, over a period
    HELP = "help"  # 求助: a help request served
    EVENT = "event"  # 社区活动: a community event
    NEW_CUSTOMER = "new_customer"  # 新客户: first service (CS-1)
    HIGH_VALUE = "high_value"  # 重要客户: revisited on a period by agreement (CS-1)
    OTHER = "other"  # 其他服务


class RevisitStatus(enum.StrEnum):
    """Where one planned revisit (回访) stands."""

    PLANNED = "planned"  # 待回访: due by its date
    DONE = "done"  # 已回访: the person was reached and answered
    UNREACHABLE = "unreachable"  # 无法联系: every attempt failed
    CANCELLED = "cancelled"  # 已取消: the case closed another way, or a manager withdrew it


class CallOutcome(enum.StrEnum):
    """What one revisit attempt came to (回访结果)."""

    REACHED = "reached"  # 接通: the person answered the questions
    NO_ANSWER = "no_answer"  # 无人接听: tried again later
    WRONG_NUMBER = "wrong_number"  # 号码错误
    REFUSED = "refused"  # 拒绝回访
    ANSWERED_ONLINE = "answered_online"  # the person answered the questionnaire's link


class Occasion(enum.StrEnum):
    """Why a revisit is due (PROP-9): after handling, after the service, mid-contract..."""

    AFTER_HANDLING = "after_handling"  # a complaint's result told (3 days, PROP-9)
    AFTER_SERVICE = "after_service"  # a work order, help or event done (1 month, 1 week)
    MID_CONTRACT = "mid_contract"  # 合同中期 of a contracted service
    CONTRACT_END = "contract_end"  # 合同期满
    PERIODIC = "periodic"  # a high-value customer's regular revisit (CS-1)


class WatchFinding(enum.StrEnum):
    """What an inspection of a watched repair found (PROP-11)."""

    HOLDING = "holding"  # 效果良好: the repair holds
    SIGNS = "signs"  # 轻微异常: early signs, watch closer
    RECURRED = "recurred"  # 问题复发: the defect is back


class Finding(enum.StrEnum):
    """What the investigation found (调查结论, POWER-1)."""

    VALID = "valid"  # 属实
    PARTLY_VALID = "partly_valid"  # 部分属实
    NOT_VALID = "not_valid"  # 不属实（非本单位责任）


# Findings that name a cause from the tenant's cause list (原因分类).
FINDINGS_WITH_CAUSE = frozenset({Finding.VALID, Finding.PARTLY_VALID})


class RemedyType(enum.StrEnum):
    """What the organisation does for the complainant (补救措施)."""

    APOLOGY = "apology"  # 赔礼道歉
    REPAIR = "repair"  # 维修
    REPLACEMENT = "replacement"  # 更换
    REFUND = "refund"  # 退款
    COMPENSATION = "compensation"  # 赔偿
    OTHER = "other"  # 其他


# Remedies that pay money: their amount is required.
REMEDIES_WITH_AMOUNT = frozenset({RemedyType.REFUND, RemedyType.COMPENSATION})


class FileType(enum.StrEnum):
    """The kinds of file a complaint may carry, told apart by their bytes (casework.uploads)."""

    JPEG = "jpeg"
    PNG = "png"
    GIF = "gif"
    WEBP = "webp"
    HEIC = "heic"
    PDF = "pdf"
    DOC = "doc"
    DOCX = "docx"
    XLS = "xls"
    XLSX = "xlsx"
    PPT = "ppt"
    PPTX = "pptx"
    TXT = "txt"


class ContactMethod(enum.StrEnum):
    """How staff reach a complainant, or how the complainant would like to be reached."""

    PHONE = "phone"
    EMAIL = "email"
    SMS = "sms"
    VISIT = "visit"  # 上门: a home or site visit


class NotificationKind(enum.StrEnum):
    """What a notice in the desk's bell is about."""

    REMINDER = "reminder"  # 到期提醒
    OVERDUE = "overdue"  # 超期
    ESCALATION = "escalation"  # 升级督办
    EXTENSION = "extension"  # a request waiting for the approver
    URGE = "urge"  # 催办
    SUPERVISE = "supervise"  # 督办
    RECTIFICATION = "rectification"  # 整改通知
    COMPLAINANT_INFO = "complainant_info"  # the complainant added information (补充材料)
    PLAN = "plan"  # a handling plan waiting for the approver, or returned to its drafter
    REFERRAL = "referral"  # a case referred up (上报) to the reader
    ASSIST = "assist"  # 协办: a unit is asked to assist
    RETURNED = "returned"  # 退单: a case came back to the dispatchers to re-route
    REPEAT_CONTACT = "repeat_contact"  # the complainant called again: call them back (CITY-6)
    REVISIT_QUESTION = "revisit_question"  # PROP-7: a question from a revisit to answer


class PlanState(enum.StrEnum):
    """Where one version of a handling plan (处理方案) stands."""

    DRAFTED = "drafted"  # 草拟
    SUBMITTED = "submitted"  # 待审批
    APPROVED = "approved"  # 已批准 (or adopted where the policy asks no approval)
    RETURNED = "returned"  # 退回修改, with the approver's comment
    SUPERSEDED = "superseded"  # a draft replaced by a newer one before it was submitted


class AttachmentSource(enum.StrEnum):
    """Which step brought a file to a case."""

    INTAKE = "intake"  # with the complaint
    COMPLAINANT = "complainant"  # 补充材料, after the lookup
    EVIDENCE = "evidence"  # 调查取证: staff during handling
    ASSIST = "assist"  # with an assisting unit's answer


class GroupRole(enum.StrEnum):
    """A member's place in a case's investigation group (调查组, HOSP-5)."""

    LEAD = "lead"  # 组长
    MEMBER = "member"  # 组员


class DeadlineState(enum.StrEnum):
    """Where a time limit stands: running, due soon or overdue; met on time or late."""

    OK = "ok"
    SOON = "soon"
    OVERDUE = "overdue"
    ON_TIME = "on_time"
    LATE = "late"


# Tenant settings name stages, channels and priorities; the schema checks them against these.
# "extension" is the policy's key for the longest extension and "return" for how long a unit
# may return a misrouted case (退单), both set beside the stages' limits.
define_words("stage", [*Stage, "extension", "return"])
define_words("channel", Channel)
define_words("priority", Priority)
define_words("status", Status)
define_words("attachment_type", FileType)
define_words("case_kind", CaseKind)


class DossierState(enum.StrEnum):
    """Where the building of a case dossier (案卷) stands: asked for, being built, ready, failed."""

    QUEUED = "queued"
    BUILDING = "building"
    DONE = "done"
    FAILED = "failed"
