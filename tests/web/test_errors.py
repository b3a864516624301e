"""Error pages: the fragment for htmx, the whole page otherwise."""

from __future__ import annotations


def test_htmx_gets_the_error_fragment_and_a_history_restore_the_page(client, world):
    url = f"/t/{world.a.slug}/filed/NO-SUCH-CASE"
    page = client.get(url)
    assert page.status_code == 404 and "<html" in page.text
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 404
    assert "<html" not in fragment.text and "error-box" in fragment.text
    restore = client.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert restore.status_code == 404 and "<html" in restore.text
