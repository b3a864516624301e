"""Several roles per person: a person may do what any one of their roles may.

A small unit's head who also takes calls at the desk, an admin who also handles cases: the
main role is what lists show, the further ones count everywhere a role is checked, in
Python (User.has_role) and in SQL (User.holding).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from casework import alerts, routing
from casework.errors import Forbidden
from casework.models import Case
from casework.operations import dispatch, handling
from casework.operations.guards import check
from casework.states import Action
from tenants import accounts
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound
from tenants.models import Role, User
from tests.conftest import open_case


def test_no_roles_word_is_part_of_another():
    """User.holding matches a word anywhere in extra_roles: no word may hide in another."""
    words = [r.value for r in Role]
    assert not [(a, b) for a in words for b in words if a != b and a in b]


def test_a_handler_who_also_takes_calls_dispatches_and_works_only_their_own(world):
    u = world.a.users
    with tenant_bound(world.a.tenant.id):
        li = db.session.get(User, u["ops_li"].id)
        accounts.set_role(u["admin"], li, Role.HANDLER, [Role.INTAKE])
        db.session.flush()
        assert li.roles == {Role.HANDLER, Role.INTAKE} and li.role_list[0] is Role.HANDLER
        case = db.session.get(Case, open_case(world.a).id)
        # As an intake clerk: may dispatch, to anyone.
        dispatch.dispatch_case(case, li, u["cs_zhou"].department_id, u["cs_zhou"].id)
        # As a handler: not named on it, so may not work it.
        with pytest.raises(Forbidden):
            check(case, li, Action.CONTACT)
        dispatch.dispatch_case(case, li, li.department_id, li.id)
        handling.record_contact(case, li, "phone", "已联系投诉人")


def test_further_roles_are_found_in_sql_and_counted_for_the_last_admin(world):
    u = world.a.users
    with tenant_bound(world.a.tenant.id), force_locale("en"):
        admin = db.session.get(User, u["admin"].id)
        li = db.session.get(User, u["ops_li"].id)
        accounts.set_role(admin, li, Role.HANDLER, [Role.ADMIN, Role.SUPERVISOR])
        db.session.flush()
        holding = set(db.session.scalars(sa.select(User.username).where(User.holding(Role.ADMIN))))
        assert holding == {"admin", "ops_li"}
        assert li in routing.assignable_handlers(li.department_id)
        assert li in alerts._supervisors()
        # The main admin may now step down: ops_li is an admin too.
        accounts.set_role(li, admin, Role.SUPERVISOR, [])
        db.session.flush()
        # ops_li's admin role is the last one: it cannot go, nor can they be deactivated.
        with pytest.raises(accounts.Refused, match="last active admin"):
            accounts.set_role(admin, li, Role.HANDLER, [Role.SUPERVISOR])
        with pytest.raises(accounts.Refused, match="last active admin"):
            accounts.deactivate(admin, li)
        changes = db.session.scalars(
            sa.select(AuditEvent.changes).where(AuditEvent.kind == "user.role")
        ).all()
    assert changes[0] == {"before": "handler", "after": ["handler", "supervisor", "admin"]}


def test_the_main_role_is_not_repeated_among_the_further_ones(world):
    with tenant_bound(world.a.tenant.id):
        li = db.session.get(User, world.a.users["ops_li"].id)
        assert not accounts.set_role(None, li, Role.HANDLER, [Role.HANDLER])
        assert li.extra_roles == ""
