"""What the browser tests do on a page: log in, keep screenshots, measure."""

from __future__ import annotations

import os
import pathlib

from tests.conftest import PASSWORD

SHOTS = pathlib.Path(os.environ.get("CLOSELOOP_SCREENSHOTS", "/tmp/closeloop-shots"))


def shot(page, name: str) -> None:
    """Keep a full-page screenshot for people to look at (CLOSELOOP_SCREENSHOTS)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    # caret="initial": hiding the caret would put style attributes on the page's inputs.
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, caret="initial")


def login(page, base: str, username: str, slug: str = "alpha") -> None:
    """Log in on the desk through the form, as a person would."""
    page.goto(f"{base}/t/{slug}/desk/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/desk/")


def _luminance(rgb: str) -> float:
    """Relative luminance (WCAG 2) of a computed ``rgb(r, g, b)`` colour."""
    parts = rgb[rgb.index("(") + 1 : rgb.index(")")].replace("/", " ").replace(",", " ").split()
    channels = [int(float(v)) / 255 for v in parts[:3]]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: str, bg: str) -> float:
    """The WCAG contrast ratio of two opaque computed colours."""
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


AXE = pathlib.Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
SEVERE = ("serious", "critical")


def axe_violations(page) -> list[str]:
    """Run axe-core (WCAG 2 A and AA rules) on the page; the serious and critical findings.

    axe goes in through the DevTools protocol, not a ``<script>`` tag, so the page's
    Content-Security-Policy stays as strict for it as for anything else.
    """
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values:"
        " ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} — "
        + "; ".join(
            f"{n['target']} {n.get('failureSummary', '').splitlines()[-1:]}" for n in v["nodes"]
        )
        for v in result["violations"]
        if v["impact"] in SEVERE
    ]
