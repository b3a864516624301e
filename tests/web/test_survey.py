"""The public questionnaire (web/survey, CS-2) through its routes: opening the link changes
nothing, one tap records, not solved reopens with special measures, spent links get their
own pages (never a 500), another tenant's path is a 404, and the desk's "send again"."""

from __future__ import annotations

import re

import sqlalchemy as sa

from casework.models import Case, CaseEvent, Revisit, RevisitAttempt
from casework.operations import revisits
from casework.states import CallOutcome, ContactMethod, EventKind, Occasion, RevisitStatus, Status
from jobs import revisit_links as sender
from tenants.db import db, tenant_bound, utcnow
from tests.casework.test_revisit_links import email_revisit, link_mails, survey_paths
from tests.conftest import login, open_case


def _sent(org) -> tuple[int, int, list[str]]:
    """An email revisit whose link went out: (case id, revisit id, the mail's link paths)."""
    case_id, revisit_id = email_revisit(org)
    sender.run()
    [mail] = link_mails(org)
    return case_id, revisit_id, survey_paths(mail.body)


def _state(org, case_id: int, revisit_id: int):
    with tenant_bound(org.tenant.id):
        db.session.expire_all()
        revisit = db.session.get(Revisit, revisit_id)
        events = db.session.scalar(
            sa.select(sa.func.count(CaseEvent.id)).where(CaseEvent.case_id == case_id)
        )
        attempts = db.session.scalar(
            sa.select(sa.func.count(RevisitAttempt.id)).where(
                RevisitAttempt.revisit_id == revisit_id
            )
        )
        return revisit.status, db.session.get(Case, case_id).status, events, attempts


def test_opening_the_links_changes_nothing_and_preselects_the_answer(client, world):
    org = world.a
    case_id, revisit_id, (solved, not_solved, plain) = _sent(org)
    before = _state(org, case_id, revisit_id)
    for path, checked in ((solved, "yes"), (not_solved, "no"), (plain, None)):
        page = client.get(path)
        assert page.status_code == 200
        assert 'data-testid="survey-form"' in page.text
        ticked = re.findall(r'<input checked[^>]*name="q_solved"[^>]*value="(\w+)"', page.text)
        ticked += re.findall(r'<input[^>]*name="q_solved"[^>]*value="(\w+)"[^>]*checked', page.text)
        assert ticked == ([checked] if checked else []), path
        client.head(path)
    assert _state(org, case_id, revisit_id) == before  # a mail scanner records nothing


def test_one_tap_solved_records_and_thanks(client, world):
    org = world.a
    case_id, revisit_id, (solved, _no, _plain) = _sent(org)
    path = solved.split("?")[0]
    r = client.post(path, data={"q_solved": "yes"})
    assert r.status_code == 303 and r.headers["Location"].endswith(path + "/thanks")
    thanks = client.get(r.headers["Location"])
    assert thanks.status_code == 200 and 'data-testid="survey-thanks"' in thanks.text
    assert 'data-testid="taken-up"' not in thanks.text
    status, case_status, _events, _attempts = _state(org, case_id, revisit_id)
    assert status is RevisitStatus.DONE and case_status is Status.CLOSED
    with tenant_bound(org.tenant.id):
        [attempt] = db.session.scalars(
            sa.select(RevisitAttempt).where(RevisitAttempt.revisit_id == revisit_id)
        ).all()
        assert attempt.outcome is CallOutcome.ANSWERED_ONLINE and attempt.by_id is None
    # The link answers once: opened again, posted again, it says so (409), nothing changes.
    again = client.get(solved)
    assert again.status_code == 409 and 'data-state="answered"' in again.text
    assert client.post(path, data={"q_solved": "no"}).status_code == 409
    assert _state(org, case_id, revisit_id)[1] is Status.CLOSED


def test_not_solved_reopens_and_the_thanks_says_within_24_hours(client, world):
    org = world.a
    case_id, revisit_id, (_yes, not_solved, _plain) = _sent(org)
    path = not_solved.split("?")[0]
    r = client.post(
        path + "?lang=en",
        data={"q_solved": "no", "q_overall": "2", "q_comments": "水管还在漏"},
    )
    assert r.status_code == 303
    status, case_status, _events, _attempts = _state(org, case_id, revisit_id)
    assert status is RevisitStatus.DONE
    assert case_status in (Status.DISPATCHED, Status.IN_PROGRESS)
    with tenant_bound(org.tenant.id):
        kinds = list(
            db.session.scalars(
                sa.select(CaseEvent.kind)
                .where(CaseEvent.case_id == case_id)
                .order_by(CaseEvent.id.desc())
                .limit(3)
            )
        )
        assert EventKind.SPECIAL_MEASURES in kinds
        assert db.session.get(Revisit, revisit_id).comments == "水管还在漏"
    thanks = client.get(r.headers["Location"])
    assert "within 24 hours" in thanks.text and 'data-testid="taken-up"' in thanks.text


def test_bad_answers_are_form_errors_in_the_language_and_save_nothing(client, world):
    org = world.a
    case_id, revisit_id, (_yes, _no, plain) = _sent(org)
    before = _state(org, case_id, revisit_id)
    nothing = client.post(plain, data={"q_comments": "还行"})
    assert nothing.status_code == 422 and "请至少告诉我们问题是否已解决" in nothing.text
    junk = client.post(plain, data={"q_solved": "maybe", "q_overall": "9"})
    assert junk.status_code == 422 and 'role="alert"' in junk.text
    assert _state(org, case_id, revisit_id) == before


def test_spent_and_forged_links_get_their_pages_never_a_500(client, world):
    org = world.a
    _case_id, revisit_id, (_yes, _no, plain) = _sent(org)
    prefix, token = plain.rsplit("/", 1)
    # Outside the route (slashes in it): the site's own 404.
    assert client.get(f"{prefix}/..%2F..%2Fetc").status_code == 404
    assert client.get(f"{prefix}/%00").status_code == 400  # NUL: refused before any view
    for bad in (token[:-2], token + "x", "nonsense", "a" * 300, "é"):
        page = client.get(f"{prefix}/{bad}")
        assert page.status_code == 404 and 'data-state="invalid"' in page.text, bad
        assert client.post(f"{prefix}/{bad}", data={"q_solved": "yes"}).status_code == 404
        assert client.get(f"{prefix}/{bad}/thanks").status_code == 404
    # Not answered yet: the thank-you page sends back to the questionnaire.
    r = client.get(plain + "/thanks")
    assert r.status_code == 303 and r.headers["Location"].endswith(plain)


def test_a_token_under_another_tenants_path_is_404(client, world):
    _case_id, _revisit_id, (_yes, _no, plain) = _sent(world.a)
    token = plain.rsplit("/", 1)[1]
    assert plain.startswith(f"/t/{world.a.slug}/survey/")
    other = f"/t/{world.b.slug}/survey/{token}"
    assert client.get(other).status_code == 404
    assert client.post(other, data={"q_solved": "no"}).status_code == 404


def test_the_desk_sends_the_link_again_once_per_press(client, world):
    org = world.a
    _case_id, revisit_id, (_yes, _no, first) = _sent(org)
    login(client, org, "desk")
    url = f"/t/{org.slug}/desk/revisits/{revisit_id}"
    page = client.get(url)
    assert 'data-testid="survey-link"' in page.text and 'data-testid="send-link"' in page.text
    seen = re.search(r'name="link-seen" type="hidden" value="(\d+)"', page.text) or re.search(
        r'name="link-seen"[^>]*value="(\d+)"', page.text
    )
    data = {"link-seen": seen.group(1)}
    assert client.post(f"{url}/send-link", data=data).status_code == 303
    replayed = client.post(f"{url}/send-link", data=data)  # the same press again
    assert replayed.status_code == 422
    assert len(link_mails(org)) == 2
    # The first link is overtaken by the second (410); the second opens.
    old = client.get(first)
    assert old.status_code == 410 and 'data-state="superseded"' in old.text
    [_m1, m2] = link_mails(org)
    assert client.get(survey_paths(m2.body)[2]).status_code == 200


def test_a_complaint_filed_in_english_is_asked_in_english(client, world):
    """CS-2: the questionnaire speaks the complainant's language: one who filed on the English
    portal gets the mail and the page in English, though the tenant's language is Chinese."""
    from tests.web.test_portal import _form

    org = world.a
    data = _form(org, email="amy@example.com", preferred_contact="email")
    assert client.post(f"/t/{org.slug}/?lang=en", data=data).status_code == 303
    with tenant_bound(org.tenant.id):
        case = db.session.scalars(
            sa.select(Case).where(Case.complainant_email == "amy@example.com")
        ).one()
        assert case.complainant_locale == "en"
        assert org.tenant.locale == "zh_CN"
    # A clerk's intake has no language of the complainant's: the tenant's.
    case_id, _ = email_revisit(org)
    with tenant_bound(org.tenant.id):
        assert db.session.get(Case, case_id).complainant_locale == ""
    with client.session_transaction() as s:
        s.clear()  # the complainant's own phone, not this browser's English
    english_id, _ = email_revisit(org, email="amy@example.com", locale="en")
    sender.run()
    mails = {m.case_id: m for m in link_mails(org)}
    assert "How did we do" in mails[english_id].subject
    assert "回访问卷" in mails[case_id].subject
    [plain] = [p for p in survey_paths(mails[english_id].body) if "solved=" not in p]
    assert "lang=en" in plain
    page = client.get(plain)
    assert page.status_code == 200 and 'lang="en"' in page.text


def test_a_phone_revisit_page_offers_the_link_and_sends_it(client, world):
    # The revisitor cannot reach a person who left an address: the page offers to mail the
    # questionnaire instead of calling, and one press mails it.
    org = world.a
    _case_id, revisit_id = email_revisit(org, preferred_contact=ContactMethod.PHONE)
    assert sender.run() == 0  # a phone revisit: nothing goes out by itself
    login(client, org, "desk")
    url = f"/t/{org.slug}/desk/revisits/{revisit_id}"
    page = client.get(url)
    assert 'data-testid="send-link"' in page.text and 'data-testid="link-instead"' in page.text
    assert "联系不上" in page.text
    assert client.post(f"{url}/send-link", data={"link-seen": "0"}).status_code == 303
    [mail] = link_mails(org)
    assert len(survey_paths(mail.body)) == 3
    assert 'data-testid="link-sent"' in client.get(url).text


def test_a_phone_revisit_with_nowhere_to_send_has_no_send_box(client, world):
    org = world.a
    case_id = open_case(org).id  # a phone number only, no gateway
    with tenant_bound(org.tenant.id):
        now = utcnow()
        case = db.session.get(Case, case_id)
        revisit = revisits.plan(case, Occasion.AFTER_HANDLING, now, now, ContactMethod.PHONE)
        db.session.commit()
        revisit_id = revisit.id
    login(client, org, "desk")
    page = client.get(f"/t/{org.slug}/desk/revisits/{revisit_id}")
    assert page.status_code == 200 and 'data-testid="send-link"' not in page.text
