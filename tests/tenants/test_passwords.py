"""Password rules: long enough, not a common password, not easy to guess from the person."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from tenants import passwords


@pytest.mark.parametrize(
    "password",
    [
        "short1!",  # too short
        "1234567890",  # common, and a sequence
        "qwertyuiop",  # a keyboard row
        "password123",  # in the common list
        "iloveyou12",
        "huawei12345",  # guessable: a word and a sequence
        "          ",  # spaces only
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password):
    reason = passwords.problem(password)
    assert reason is not None and str(reason)
    with pytest.raises(passwords.WeakPassword):
        passwords.check(password)


def test_the_reason_says_what_is_wrong():
    with force_locale("en"):  # the reasons are lazy: read them in the msgids' language
        assert "10" in str(passwords.problem("abc"))
        assert "common" in str(passwords.problem("password123"))
        assert "guess" in str(passwords.problem("huawei12345"))
        assert "200" in str(passwords.problem("x7#kQ" * 41))


def test_the_persons_own_name_counts_as_known():
    assert passwords.problem("zhangxiaoming88") is None
    assert passwords.problem("zhangxiaoming88", ["zhangxiaoming", "张小明"]) is not None


@pytest.mark.parametrize(
    "password",
    ["correct horse battery staple", "Tr0ub4dor&3x", "我的密码很安全的说好", "kite-ladder-57-plum"],
)
def test_strong_passwords_pass(password):
    assert passwords.problem(password) is None
    passwords.check(password)


def test_a_long_password_is_scored_by_its_start():
    # zxcvbn itself refuses more than 72 characters; the rules accept up to MAX_LENGTH.
    assert passwords.problem("kite-ladder-57-plum " * 9) is None
