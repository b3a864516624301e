"""Repeat contacts over HTTP (CITY-6, PROP-12): the clerk's offer at intake, adding the contact
from it or from the case page, merging on the case page, and the absorbed number finding the
survivor at the desk and on the status page."""

from __future__ import annotations

import re

import sqlalchemy as sa

from casework.models import Case, Notification, RepeatContact
from casework.operations import repeats
from casework.states import Closure, Status
from tenants.db import db, tenant_bound
from tests.conftest import dispatched_case, login, open_case

PHONE = "13812345678"


def _desk(org) -> str:
    return f"/t/{org.slug}/desk"


def _case(org, case_id: int) -> Case:
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        db.session.expunge(case)
        return case


def test_a_clerk_is_refused_a_note_but_adds_the_repeat_contact(client, world):
    org = world.a
    case_id = dispatched_case(org)
    login(client, org, "desk")
    base = f"{_desk(org)}/cases/{case_id}"
    page = client.get(base).text
    assert 'data-action="repeat_contact"' in page and 'data-action="note"' not in page
    # What the issue found: the clerk's note on the open case is refused.
    refused = client.post(f"{base}/note?lang=en", data={"note-body": "他又打来了"})
    assert refused.status_code == 422
    assert "Your role may not do this on this case." in refused.text
    response = client.post(
        f"{base}/repeat_contact",
        data={
            "repeat_contact-channel": "phone",
            "repeat_contact-said": "第二次来电:扶梯还是不动",
            "repeat_contact-caller_name": "张伟",
            "repeat_contact-caller_phone": PHONE,
        },
    )
    assert response.status_code == 303, response.text
    page = client.get(base).text
    assert 'data-testid="repeat-contacts"' in page and "第二次来电:扶梯还是不动" in page
    assert 'data-testid="repeat-count"' in page
    with tenant_bound(org.tenant.id):
        assert db.session.get(Case, case_id).repeat_count == 1
        told = db.session.scalars(
            sa.select(Notification.user_id).where(Notification.kind == "repeat_contact")
        ).all()
        assert told == [org.users["ops_li"].id]


def test_a_contact_without_words_comes_back_on_the_form(client, world):
    org = world.a
    case_id = dispatched_case(org)
    login(client, org, "desk")
    response = client.post(
        f"{_desk(org)}/cases/{case_id}/repeat_contact?lang=en",
        data={"repeat_contact-channel": "phone", "repeat_contact-said": " "},
    )
    assert response.status_code == 422
    assert 'data-action="repeat_contact" open' in response.text
    assert _case(org, case_id).repeat_count == 0


def test_the_intake_page_offers_the_matching_cases_as_the_phone_is_typed(client, world):
    org = world.a
    ours = open_case(org, phone=PHONE, description="扶梯停运一周")
    theirs = open_case(world.b, phone=PHONE)
    login(client, org, "desk")
    page = client.get(f"{_desk(org)}/intake/").text
    assert 'id="repeat-matches"' in page and f'hx-get="{_desk(org)}/intake/matches"' in page
    fragment = client.get(
        f"{_desk(org)}/intake/matches",
        query_string={"phone": "138 1234 5678", "description": "又坏了", "channel": "walk_in"},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200
    html = fragment.text
    assert "<html" not in html and 'data-testid="repeat-match"' in html
    assert ours.number in html and theirs.number not in html
    form = re.search(r'<form[^>]*data-testid="repeat-offer"[^>]*>', html).group(0)
    assert f'action="{_desk(org)}/cases/{ours.id}/repeat_contact"' in form
    assert "又坏了" in html  # what intake typed so far is what the caller said
    assert 'value="walk_in"' in html
    # Nothing to offer: an empty fragment.
    none = client.get(
        f"{_desk(org)}/intake/matches",
        query_string={"phone": "13900000000"},
        headers={"HX-Request": "true"},
    )
    assert 'data-testid="repeat-match"' not in none.text


def test_the_offer_posts_the_contact_onto_the_case(client, world):
    org = world.a
    ours = open_case(org, phone=PHONE)
    login(client, org, "desk")
    html = client.get(
        f"{_desk(org)}/intake/matches",
        query_string={"phone": PHONE, "name": "张伟", "description": "又来电"},
        headers={"HX-Request": "true"},
    ).text
    fields = dict(re.findall(r'name="(repeat_contact-[a-z_]+)"[^>]*value="([^"]*)"', html))
    fields["repeat_contact-said"] = "又来电"
    response = client.post(f"{_desk(org)}/cases/{ours.id}/repeat_contact", data=fields)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/cases/{ours.id}")
    with tenant_bound(org.tenant.id):
        row = db.session.scalars(sa.select(RepeatContact)).one()
        assert row.case_id == ours.id and row.caller_name == "张伟"
        assert row.caller_phone == "+8613812345678"


def test_a_handler_does_not_get_the_intake_offer(client, world):
    org = world.a
    login(client, org, "ops_li")
    assert client.get(f"{_desk(org)}/intake/matches?phone={PHONE}").status_code == 403


def test_merging_on_the_case_page_and_the_absorbed_number_finds_the_survivor(client, world):
    org = world.a
    survivor_id = dispatched_case(org)
    absorbed = open_case(org, email="zhang@example.com")
    survivor = _case(org, survivor_id)
    login(client, org, "super")
    base = f"{_desk(org)}/cases/{absorbed.id}"
    assert 'data-action="merge"' in client.get(base).text
    itself = client.post(
        f"{base}/merge?lang=en", data={"merge-into": absorbed.number, "merge-reason": "重复"}
    )
    assert itself.status_code == 422 and "cannot be merged into itself" in itself.text
    foreign = open_case(world.b)
    response = client.post(
        f"{base}/merge?lang=en", data={"merge-into": foreign.number, "merge-reason": "重复"}
    )
    assert response.status_code == 422 and "open case of ours" in response.text
    response = client.post(
        f"{base}/merge", data={"merge-into": survivor.number, "merge-reason": "同一部扶梯"}
    )
    assert response.status_code == 303
    gone = _case(org, absorbed.id)
    assert gone.status is Status.CLOSED and gone.closure is Closure.MERGED
    page = client.get(base).text
    assert 'data-testid="merged-into"' in page and survivor.number in page
    kept = client.get(f"{_desk(org)}/cases/{survivor_id}").text
    assert f'data-testid="merged-case">{absorbed.number}<' in kept
    # The desk's URL by number, and the queue's number filter, lead to the survivor.
    to = client.get(f"{_desk(org)}/cases/number/{absorbed.number}")
    assert to.status_code == 303 and to.headers["Location"].endswith(f"/cases/{survivor_id}")
    queue = client.get(f"{_desk(org)}/?q={absorbed.number}").text
    assert survivor.number in queue
    # Another tenant's number is no case of ours.
    assert client.get(f"{_desk(org)}/cases/number/{foreign.number}").status_code == 404

    # The complainant of the absorbed case looks it up and follows the survivor.
    public = client.application.test_client()
    response = public.post(
        f"/t/{org.slug}/status", data={"number": absorbed.number, "factor": gone.access_code}
    )
    assert response.status_code == 303
    status = public.get(f"/t/{org.slug}/status/{absorbed.number}")
    assert status.status_code == 200
    assert 'data-testid="merged-into"' in status.text and survivor.number in status.text
    # ... but not the survivor's own page, which is another complainant's.
    assert public.get(f"/t/{org.slug}/status/{survivor.number}").status_code == 404


def test_a_handler_is_not_offered_the_merge(client, world):
    org = world.a
    case_id = dispatched_case(org)
    login(client, org, "ops_li")
    assert 'data-action="merge"' not in client.get(f"{_desk(org)}/cases/{case_id}").text


def test_another_tenants_case_is_never_merged_into_nor_joined(client, world):
    org = world.a
    ours = open_case(org)
    theirs = open_case(world.b)
    login(client, org, "super")
    for action in ("merge", "repeat_contact"):
        url = f"{_desk(org)}/cases/{theirs.id}/{action}"
        assert client.post(url, data={}).status_code == 404
    with tenant_bound(world.b.tenant.id):
        assert db.session.get(Case, theirs.id).status is Status.ACCEPTED
    with tenant_bound(org.tenant.id):
        assert db.session.get(Case, ours.id).merged_into_id is None


def test_the_admin_sets_the_repeat_window(client, world):
    org = world.a
    login(client, org, "admin")
    page = client.get(f"{_desk(org)}/admin/rules").text
    assert 'name="repeat_window"' in page and 'value="30"' in page
    data = {"not_satisfied": "choose", "dispatch_notice": "", "repeat_window": "45"}
    assert client.post(f"{_desk(org)}/admin/rules", data=data).status_code == 303
    db.session.expire_all()
    assert db.session.merge(org.tenant).config.repeat_window == 45
    data["repeat_window"] = "0"
    assert client.post(f"{_desk(org)}/admin/rules", data=data).status_code == 422
    db.session.expire_all()
    assert db.session.merge(org.tenant).config.repeat_window == 45


def test_merge_keeps_the_portal_lookup_of_the_survivor_for_its_own_complainant(client, world):
    org = world.a
    survivor = open_case(org)
    absorbed = open_case(org)
    with tenant_bound(org.tenant.id):
        repeats.merge_case(
            db.session.get(Case, absorbed.id), org.users["desk"], survivor.number, "重复"
        )
        db.session.commit()
    response = client.post(
        f"/t/{org.slug}/status", data={"number": survivor.number, "factor": survivor.access_code}
    )
    assert response.status_code == 303
    page = client.get(f"/t/{org.slug}/status/{survivor.number}")
    assert page.status_code == 200 and 'data-testid="merged-into"' not in page.text
