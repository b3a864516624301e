"""The dispatch form's handler list follows the department without losing the user's choice.

It is fetched again only when the department really changes (a ``change`` event that leaves
the value as it was asks nothing), the handler's select spins and is disabled meanwhile, and
a handler already chosen stays chosen when the new list still holds them.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import login
from tests.conftest import open_case

pytestmark = pytest.mark.browser

DEPARTMENT, HANDLER = "#dispatch-department_id", "#dispatch-handler_id"


def _lists(page, name: str) -> None:
    lists = "([select, name]) => document.querySelector(select).textContent.includes(name)"
    page.wait_for_function(lists, arg=[HANDLER, name])


def _chosen(page) -> str:
    return page.eval_on_selector(HANDLER, "s => s.selectedOptions[0].textContent")


def test_the_handler_list_reloads_only_when_the_department_changes(live_server, page, world):
    case = open_case(world.a)
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/handlers" in r.url else None)
    login(page, live_server, "desk")
    page.goto(f"{live_server}/t/alpha/desk/cases/{case.id}")
    page.eval_on_selector("details[data-action=dispatch]", "d => { d.open = true; }")

    page.select_option(DEPARTMENT, label="运营部")
    _lists(page, "李明")
    page.select_option(HANDLER, label="李明")
    before = len(asked)

    # A change event that leaves the department as it was (a picker re-choosing the same
    # entry, a script) must not reload the list and wipe the handler.
    page.dispatch_event(DEPARTMENT, "change")
    page.wait_for_timeout(400)
    assert len(asked) == before
    assert _chosen(page) == "李明"

    # A real change: the list is fetched while the handler's select spins, disabled.
    held = []
    page.route("**/handlers?*", lambda route: held.append(route))
    page.select_option(DEPARTMENT, label="客服部")
    page.wait_for_function(f"() => document.querySelector('{HANDLER}').disabled")
    spinner = page.eval_on_selector(
        "#dispatch-handler-field .select",
        "e => [e.classList.contains('htmx-request'), getComputedStyle(e, '::after').animationName]",
    )
    assert spinner == [True, "spinAround"]
    assert held, "the handler list was not asked for"
    held[0].continue_()
    _lists(page, "周婷")
    page.wait_for_function(f"() => !document.querySelector('{HANDLER}').disabled")
    assert "李明" not in page.inner_text(HANDLER)
    assert _chosen(page) == "— 稍后指定 —"  # 李明 is not in Customer Service
    assert not page.eval_on_selector(
        "#dispatch-handler-field .select", "e => e.classList.contains('htmx-request')"
    )
