"""The revisit settings' verbs: refusals name their field in the user's words, a complaint's
rule keeps only its method, nothing changed leaves no audit event."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework import revisit_settings as rs
from casework.errors import InvalidInput
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound
from tenants.revisit_policy import BandError, SampleBand, check_bands
from tests.conftest import make_org


def test_check_bands_says_why_a_table_is_out_of_order():
    with pytest.raises(BandError) as open_row:
        check_bands((SampleBand(take=5), SampleBand(up_to=50, percent=30)))
    assert open_row.value.reason == "open_not_last"
    with pytest.raises(BandError) as falling:
        check_bands((SampleBand(up_to=50, take=5), SampleBand(up_to=50, percent=30)))
    assert falling.value.reason == "not_rising"


def test_refusals_name_the_row_and_field(app):
    org = make_org("rs-a", "property")
    with tenant_bound(org.tenant.id):
        bad = [rs.BandInput(20, 5, False), rs.BandInput(10, 30, True)]
        with pytest.raises(InvalidInput) as exc:
            rs.set_sampling(org.tenant, None, bad, "month")
        assert exc.value.field == "sampling"
        with pytest.raises(InvalidInput) as exc:
            rs.set_sampling(org.tenant, None, [rs.BandInput(None, 101, True)], "month")
        assert exc.value.field == "bands-0-amount"
        q = rs.QuestionInput("floor", "哪层？", "", "choice", "一楼、一楼", False)
        with pytest.raises(InvalidInput) as exc:
            rs.set_questionnaire(org.tenant, None, [], [q])
        assert exc.value.field == "questions-0-options"
        with pytest.raises(InvalidInput) as exc:
            rs.set_contacts(org.tenant, None, attempts=0)
        assert exc.value.field == "attempts"


def test_a_complaint_rule_keeps_its_method_only_and_a_resave_is_not_audited(app):
    org = make_org("rs-b", "mall")
    with tenant_bound(org.tenant.id):
        given = {"complaint": rs.RuleInput((30, "calendar_days"), "sms", "none")}
        assert rs.set_rules(org.tenant, None, given) is True
        rule = org.tenant.config.revisiting.rules["complaint"]
        assert (rule.method, rule.rate, rule.within) == ("sms", "all", None)
        assert rs.set_rules(org.tenant, None, given) is False
        db.session.flush()
        kinds = db.session.scalars(sa.select(AuditEvent.kind)).all()
        assert kinds.count("revisiting.rules") == 1
