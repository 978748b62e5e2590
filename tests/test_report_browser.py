"""Render the HTML report in headless Chromium: MathML in the DOM, verdict classes, a screenshot.

Chromium is started with background networking off and a fresh profile, and the page is a
local file whose Content-Security-Policy blocks every fetch.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from report_samples import proved_claim, refuted_claim, unparsed_claim

from symcheck.checking.verdict import FileReport, Report
from symcheck.report.html import render_html

TIMEOUT = 90  # seconds per Chromium run, generous because a cold start on a busy CI machine is slow


def _chromium() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


CHROMIUM = _chromium()

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed; .ci/run installs it")


def _run_chromium(profile: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *arguments,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    hostile = proved_claim()
    hostile.message = "<img src=x onerror=\"document.title='injected'\">"
    claims = [proved_claim(), refuted_claim(), unparsed_claim(), hostile]
    page = tmp_path_factory.mktemp("html") / "report.html"
    page.write_text(render_html(Report([FileReport("docs/nn.md", claims)])), encoding="utf-8")
    return page


def test_browser_dom_has_mathml(report_page: Path, tmp_path: Path) -> None:
    result = _run_chromium(tmp_path / "profile", "--dump-dom", report_page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert dom.count("<math") >= 8
    assert '<article class="claim verdict-refuted"' in dom
    assert '<span class="badge verdict-refuted">refuted</span>' in dom
    assert '<code class="latex-fallback">\\frac{1}{</code>' in dom
    # The filter script ran under the page's Content-Security-Policy and showed the filter.
    assert '<fieldset class="filter" id="filter">' in dom
    assert "<title>symcheck report</title>" in dom
    assert "&lt;img src=x" in dom


def test_browser_screenshot(report_page: Path, tmp_path: Path) -> None:
    screenshot = tmp_path / "report.png"
    result = _run_chromium(
        tmp_path / "profile", f"--screenshot={screenshot}", "--window-size=1200,1600", report_page.as_uri()
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert screenshot.exists()
    data = screenshot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    # A blank 1200x1600 page is about 9 kB as a PNG from Chromium 156, and this report about 100 kB.
    assert len(data) > 20_000


def test_browser_filter_hides_unticked_verdict(report_page: Path, tmp_path: Path) -> None:
    # Untick "refuted" the way a reader would, with a script appended to a copy of the page.
    # The copy drops the Content-Security-Policy, which would block that extra script.
    page = report_page.read_text(encoding="utf-8")
    start = page.index('<meta http-equiv="Content-Security-Policy"')
    page = page[:start] + page[page.index(">", start) + 1 :]
    click = "<script>document.querySelector('input[value=refuted]').click();</script>"
    page = page.replace("</body>", click + "</body>")
    copy = tmp_path / "filtered.html"
    copy.write_text(page, encoding="utf-8")

    result = _run_chromium(tmp_path / "profile", "--dump-dom", copy.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert '<article class="claim verdict-refuted" id="claim-1-2" data-verdict="refuted" hidden="">' in dom
    assert '<article class="claim verdict-proved" id="claim-1-1" data-verdict="proved">' in dom
    # The heading that held only the refuted claim is hidden with it.
    assert '<section class="heading" hidden=""><h3>2. Derivatives</h3>' in dom
