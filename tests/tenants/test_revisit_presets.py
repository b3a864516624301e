"""The presets' revisit settings (回访制度): PROP-9 timing and PROP-10 sampling for the
property company, CS-1 scopes for the customer-service centre, the questionnaires the rules
ask for; and every preset's settings are ones the admin page saves again as they are."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from werkzeug.datastructures import MultiDict

from casework import questionnaire, revisit_rules
from casework.models import Case
from casework.states import CaseKind, Occasion
from tenants import presets
from tenants.db import db, tenant_bound
from tenants.limits import Unit
from tenants.models import Tenant
from tenants.revisit_policy import PROP10_SAMPLING
from tests.conftest import login, make_org


def _rule(tenant, kind: CaseKind):
    rule = revisit_rules.rule_for(tenant, kind)
    return rule, (rule.within.value, rule.within.unit) if rule and rule.within else None


def test_the_property_preset_times_and_samples_as_prop_9_and_10(app):
    org = make_org("prop-rv", "property")
    tenant = org.tenant
    config = tenant.config
    # PROP-9: complaints within 3 days after handling: the deadline policy's revisit limit,
    # which the complaint's rule leaves alone; every complaint (PROP-10: 100%).
    assert config.deadlines["revisit"].value == 3
    assert config.deadlines["revisit"].unit is Unit.CALENDAR_DAYS
    complaint, within = _rule(tenant, CaseKind.COMPLAINT)
    assert within is None and complaint.rate == "all" and complaint.method == "phone"
    # Repairs within 1 month of completion, sampled by PROP-10's table.
    work, within = _rule(tenant, CaseKind.WORK_ORDER)
    assert within == (1, Unit.MONTHS) and work.rate == "sample"
    # Special (contracted) and help-service orders are sampled too.
    assert revisit_rules.rule_for(tenant, CaseKind.CONTRACTED).rate == "sample"
    help_, within = _rule(tenant, CaseKind.HELP)
    assert within == (7, Unit.CALENDAR_DAYS) and help_.rate == "sample"
    # Community events within 1 month, other services within 1 week, every one.
    event, within = _rule(tenant, CaseKind.EVENT)
    assert within == (1, Unit.MONTHS) and event.rate == "all"
    other, within = _rule(tenant, CaseKind.OTHER)
    assert within == (7, Unit.CALENDAR_DAYS) and other.rate == "all"
    # PROP-10: ≤20 → 5 (all if fewer); 20–50 → 30%; 50–100 → 15%; over 100 → 20.
    assert config.revisiting.sampling == PROP10_SAMPLING
    sizes = {
        n: revisit_rules.sample_size(n, config.revisiting.sampling)[0]
        for n in (3, 19, 20, 21, 50, 51, 60, 100, 101)
    }
    assert sizes == {3: 3, 19: 5, 20: 5, 21: 7, 50: 15, 51: 8, 60: 9, 100: 15, 101: 20}
    assert config.revisiting.period == "month"


def test_a_property_contract_is_revisited_at_its_middle_and_its_end(app):
    org = make_org("prop-ct", "property")
    with tenant_bound(org.tenant.id):
        case = Case(
            tenant_id=org.tenant.id,
            kind=CaseKind.CONTRACTED,
            service_from=dt.date(2026, 1, 1),
            service_until=dt.date(2026, 12, 31),
        )
        rule = revisit_rules.rule_for(org.tenant, CaseKind.CONTRACTED)
        windows = revisit_rules.windows(org.tenant, case, rule, dt.datetime(2026, 1, 1))
    assert [w.occasion for w in windows] == [Occasion.MID_CONTRACT, Occasion.CONTRACT_END]
    assert windows[0].due_from.date() == dt.date(2026, 7, 2)
    assert windows[1].due_from.date() == dt.date(2026, 12, 31)


def test_the_property_questionnaire_asks_per_service_as_prop_5(app):
    org = make_org("prop-q", "property")
    with tenant_bound(org.tenant.id):
        keys = [q.key for q in questionnaire.questions(org.tenant)]
    assert keys[-3:] == ["repair", "cleaning", "greening"]
    assert keys[0] == "overall" and "solved" in keys


def test_the_service_preset_scopes_as_cs_1(app):
    org = make_org("cs-rv", "service")
    tenant = org.tenant
    # Complaint customers within a few days: the revisit limit, 3 calendar days.
    assert tenant.config.deadlines["revisit"].value == 3
    new, within = _rule(tenant, CaseKind.NEW_CUSTOMER)
    assert within == (1, Unit.MONTHS) and new.rate == "all"
    high = revisit_rules.rule_for(tenant, CaseKind.HIGH_VALUE)
    assert high.every is not None and (high.every.value, high.every.unit) == (
        90,
        Unit.CALENDAR_DAYS,
    )


@pytest.mark.parametrize("name", ["estate", "power", "hospital", "company"])
def test_the_other_presets_ask_what_their_rules_name(app, name):
    org = make_org(f"{name}-rv", name)
    keys = [q.key for q in org.tenant.config.revisiting.questions]
    assert keys == (["other_problem"] if name == "estate" else ["suggestions"])
    assert all(q.kind == "text" and q.text_en for q in org.tenant.config.revisiting.questions)


def _as_posted(form: str) -> MultiDict:
    """What a browser posts for ``form`` as rendered, pressing its save button."""
    data: list[tuple[str, str]] = [("do", "save")]
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="submit"' in tag:
            continue
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data.append((name.group(1), html.unescape(value.group(1)) if value else ""))
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', options)
        if chosen:
            data.append((name, html.unescape(chosen.group(1))))
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data.append((name, html.unescape(text).strip()))
    return MultiDict(data)


@pytest.mark.parametrize("name", presets.available())
def test_every_presets_revisit_settings_save_again_from_the_admin_page(client, name):
    """Each section posted as the page shows it is accepted: no preset leaves the admin a
    form they cannot save."""
    org = make_org(f"{name}-pg", name)
    login(client, org, "admin")
    base = f"/t/{org.slug}/desk/admin/revisiting"
    page = client.get(base).text
    for part in ("rules", "sampling", "questions", "contacts"):
        form = re.search(rf'<form[^>]*action="{base}/{part}".*?</form>', page, re.S).group(0)
        response = client.post(f"{base}/{part}", data=_as_posted(form))
        errors = re.findall(r'is-danger[^>]*role="alert">([^<]+)<', response.text)
        assert response.status_code == 303, (name, part, errors)
    # Saved as shown, the preset's own settings stand.
    db.session.expire_all()
    tenant = db.session.get(Tenant, org.tenant.id)
    preset = presets.load_preset(name).settings.revisiting
    assert tenant.config.revisiting.questions == preset.questions
    assert tenant.config.revisiting.sampling == preset.sampling
    for kind, rule in preset.rules.items():
        assert tenant.config.revisiting.rules[kind] == rule, (name, kind)
