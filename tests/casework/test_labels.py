"""Every member of the vocabulary has a Chinese and an English label."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from casework import labels
from casework.states import Channel, EventKind, Priority, Stage, Status
from tenants.models import Role

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_book_names_every_enum_the_pages_show():
    for enum_class in (Status, Channel, Stage, EventKind, Role, Priority):
        assert enum_class in labels.BOOK, enum_class


@pytest.mark.parametrize("enum_class", list(labels.BOOK), ids=lambda e: e.__name__)
def test_every_member_has_a_label_in_both_languages(app, enum_class):
    table = labels.BOOK[enum_class]
    assert [m for m in enum_class if m not in table] == [], f"{enum_class.__name__} lacks labels"
    with app.test_request_context():
        for member in enum_class:
            with force_locale("en"):
                english = labels.label(member)
            with force_locale("zh_CN"):
                chinese = labels.label(member)
            assert english and english != member.value.upper(), member
            assert CJK.search(chinese), f"{member!r} has no Chinese label: {chinese!r}"


def test_label_refuses_a_member_of_an_enum_it_does_not_know():
    import enum

    class Stray(enum.Enum):
        X = "x"

    with pytest.raises(KeyError):
        labels.label(Stray.X)
