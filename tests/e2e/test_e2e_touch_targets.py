"""Touch targets (issue 9 defect 3): on a phone, every button, link, field and menu control of each
role's main pages is at least 44 × 44 CSS px, measured in Chromium — the home page, the menu, and
every page the menu and the home page's tiles lead to. Links inside a sentence are exempt (WCAG 2.5.8,
"inline"); a checkbox or radio button is measured by the label that wraps it, which is what a finger
hits. Large-text mode only makes the targets larger (everything is sized in rem)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.e2e

MINIMUM = 44  # CSS px

# One account per kind of home page (demo accounts, README "Demo accounts").
ROLES = {
    "resident": "13800000005",
    "party member": "13800000004",
    "volunteer": "13800000007",
    "community secretary": "13800000002",
    "street administrator": "13800000001",
    "audit administrator": "13800000009",
    "security administrator": "13800000011",
}

MEASURE = """
(minimum) => {
  const small = [];
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  for (const element of document.querySelectorAll(selector)) {
    let target = element;
    if ((element.type === 'checkbox' || element.type === 'radio') && element.closest('label')) {
      target = element.closest('label');
    }
    const box = target.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;  // not shown
    if (box.bottom < 0 || box.right < 0) continue;  // parked off-screen (the skip link until focused)
    if (element.tagName === 'A' && style.display === 'inline') {
      const block = element.closest('p, li, td, dd, span.muted');
      const words = block ? block.textContent.replace(/\\s+/g, '') : '';
      const own = element.textContent.replace(/\\s+/g, '');
      if (block && block.tagName === 'P' && words.length > own.length) continue;  // a link in a sentence
    }
    if (box.width < minimum - 0.5 || box.height < minimum - 0.5) {
      const label = (element.getAttribute('aria-label') || element.textContent || element.name || element.type || '')
        .replace(/\\s+/g, ' ').trim().slice(0, 40);
      small.push(`${element.tagName.toLowerCase()} "${label}" ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  }
  return small;
}
"""


def _pages_of(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The paths the menu and the home page's tiles lead to (no sign-out, no Django admin)."""
    hrefs = page.eval_on_selector_all("nav a[href], .tiles a[href], a.tile-link[href]", "els => els.map(e => e.href)")
    paths = []
    for href in hrefs:
        path = urlparse(href).path
        if path.startswith(("/admin", "/accounts/logout")) or path in paths or path == "/":
            continue
        paths.append(path + (("?" + urlparse(href).query) if urlparse(href).query else ""))
    return paths


def _measure(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.evaluate(MEASURE, MINIMUM)


def test_every_control_on_each_roles_main_pages_is_at_least_44_px(demo_street, new_page, sign_in):  # type: ignore[no-untyped-def]
    failures: list[str] = []
    seen: set[str] = set()
    for role, phone in ROLES.items():
        page = new_page()
        sign_in(page, phone)
        failures += [f"{role} /: {item}" for item in _measure(page)]
        page.click("details.menu > summary")
        failures += [f"{role} / (menu open): {item}" for item in _measure(page)]
        for path in _pages_of(page):
            if path in seen:  # the same page of another role: measured once is enough
                continue
            seen.add(path)
            response = page.goto(path)
            assert response is not None and response.ok, f"{role}: {path} answered {response and response.status}"
            failures += [f"{role} {path}: {item}" for item in _measure(page)]
        page.context.close()

    assert not failures, f"controls smaller than {MINIMUM} px on a phone:\n" + "\n".join(failures)
