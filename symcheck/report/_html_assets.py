"""The style sheet, filter script and Content-Security-Policy of the HTML report page."""

from __future__ import annotations

import base64
import hashlib

STYLE = """
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --line: #d1d9e0;
  --card: #f6f8fa; --red: #cf222e; --green: #1a7f37; --yellow: #9a6700; --gray: #59636e; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #3d444d; --card: #151b23;
    --red: #ff7b72; --green: #3fb950; --yellow: #d29922; --gray: #9198a1; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 3rem; color: var(--fg);
  background: var(--bg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
[hidden] { display: none !important; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; }
h2 { font-size: 1.3rem; margin: 2rem 0 0.5rem; padding-bottom: 0.3rem; border-bottom: 1px solid var(--line);
  overflow-wrap: anywhere; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 0.5rem; color: var(--muted); }
a { color: inherit; }
code, pre { font: 0.9em/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.3rem 0; }
.summary { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; }
.totals { color: var(--muted); margin: 0.3rem 0; }
.filter { border: 1px solid var(--line); border-radius: 6px; padding: 0.3rem 0.8rem; margin: 0.8rem 0; }
.filter label { margin-right: 1rem; white-space: nowrap; cursor: pointer; }
.attention { margin: 0.5rem 0; padding-left: 1.2rem; }
.badge { display: inline-block; padding: 0.05rem 0.55rem; border-radius: 999px; font-size: 0.8rem;
  font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.verdict-refuted { --accent: var(--red); }
.verdict-proved, .verdict-numeric { --accent: var(--green); }
.verdict-inconclusive, .verdict-unparsed { --accent: var(--yellow); }
.verdict-definition { --accent: var(--gray); }
.badge { color: var(--accent, var(--gray)); }
.claim { border: 1px solid var(--line); border-left: 4px solid var(--accent, var(--line)); border-radius: 6px;
  background: var(--card); padding: 0.6rem 0.9rem; margin: 0.7rem 0; }
.claim-head { display: flex; flex-wrap: wrap; gap: 0.6rem; align-items: baseline; }
.source { color: var(--muted); font-size: 0.9rem; }
.message { margin: 0.3rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.claim-body { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 1rem; align-items: start; }
.formula, .step-sides { overflow-x: auto; overflow-y: hidden; padding: 0.3rem 0; }
/* Fonts with an OpenType MATH table, which browsers need to stretch brackets around matrices. */
math { font-size: 1.1em;
  font-family: "STIX Two Math", "Cambria Math", "Latin Modern Math", "DejaVu Math TeX Gyre", math; }
/* Displayed formulas keep display-style layout but sit at the left, next to their labels. */
math[display="block"] { display: inline math; }
.warnings { max-width: 22rem; font-size: 0.88rem; border-left: 3px solid var(--yellow); padding-left: 0.6rem; }
.warnings ul { margin: 0; padding-left: 1rem; }
.warning-code { color: var(--yellow); font-weight: 600; }
.steps { margin: 0.4rem 0 0; padding-left: 1.4rem; }
.step { margin: 0.4rem 0; }
.step-sides { display: flex; flex-wrap: wrap; gap: 0.6rem; align-items: center; }
.relation { color: var(--red); font-size: 1.3em; font-weight: 700; }
.details { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.2rem 0.8rem;
  margin: 0.3rem 0; }
.details dt { color: var(--muted); }
.details dd { margin: 0; overflow-x: auto; }
.latex-fallback { white-space: pre-wrap; overflow-wrap: anywhere; }
table.all-steps { border-collapse: collapse; font-size: 0.88rem; margin: 0.3rem 0; }
table.all-steps td, table.all-steps th { border-top: 1px solid var(--line); padding: 0.2rem 0.5rem;
  text-align: left; vertical-align: top; }
details > summary { cursor: pointer; color: var(--muted); font-size: 0.88rem; }
.directive { color: var(--muted); font-size: 0.85rem; }
.file-error { color: var(--red); font-weight: 600; white-space: pre-wrap; }
@media (max-width: 40rem) { .claim-body { grid-template-columns: minmax(0, 1fr); } }
"""

# Shows the verdict filter, which stays hidden without JavaScript, and hides the claims whose
# verdict box is unticked, along with the headings left without a visible claim.
SCRIPT = """
(function () {
  var filter = document.getElementById("filter");
  var boxes = filter.querySelectorAll("input[type=checkbox]");
  function apply() {
    boxes.forEach(function (box) {
      document.querySelectorAll(".claim.verdict-" + box.value).forEach(function (claim) {
        claim.hidden = !box.checked;
      });
    });
    document.querySelectorAll("section.heading").forEach(function (section) {
      section.hidden = !section.querySelector(".claim:not([hidden])");
    });
  }
  boxes.forEach(function (box) { box.addEventListener("change", apply); });
  filter.hidden = false;
  apply();
})();
"""

# The policy allows the inline style and exactly the script above, identified by its hash.
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; "
    f"script-src 'sha256-{_SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'"
)
