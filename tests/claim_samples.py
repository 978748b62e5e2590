"""Generated Markdown documents with many claims, and helpers shared by the runner, cache and limit tests."""

from __future__ import annotations

import random


def _templates(rng: random.Random, index: int) -> list[str]:
    """Return the formulas of one numbered group: a definition, identities and wrong variants."""
    a = rng.randint(2, 9)
    b = rng.randint(2, 9)
    n = rng.randint(2, 6)
    return [
        f"g_{{{index}}}(x) = {a}x + {b}",
        f"g_{{{index}}}(2) = {2 * a + b}",
        f"(x + {a})^2 = x^2 + {2 * a}x + {a * a}",
        f"(x + {a})^2 = x^2 + {a * a}",
        f"(x + {a})(x - {a}) = x^2 - {a * a} = (x - {a})(x + {a})",
        f"\\frac{{d}}{{dx}}(x^{{{n}}}) = {n}x^{{{n - 1}}}",
        f"\\frac{{d}}{{dx}}(x^{{{n}}}) = {n + 1}x^{{{n - 1}}}",
        "\\sin^2 x + \\cos^2 x = 1",
        f"\\begin{{bmatrix}} {a} & {b} \\\\ 1 & x \\end{{bmatrix}}^T = \\begin{{bmatrix}} {a} & 1 \\\\ {b} & x \\end{{bmatrix}}",
        f"{a}(y - {b}) = {a}y - {a * b}",
    ]


def generated_document(groups: int, seed: int = 0) -> str:
    """Return a Markdown document with ``groups`` sections of ten display formulas each.

    Each section defines a function, checks it, and states true and false identities, so a
    check of the document yields definitions, proved and refuted claims.
    """
    rng = random.Random(seed)
    lines = ["# Generated claims", ""]
    for index in range(1, groups + 1):
        lines.extend([f"## Group {index}", "", "Some prose before the formulas.", ""])
        for formula in _templates(rng, index):
            lines.extend([f"$${formula}$$", ""])
    return "\n".join(lines)


def limits_are_checked() -> bool:
    """Return whether Checker.plan_claim rejects a formula that breaks a limit in checking/limits.py."""
    from symcheck.api import verify_text
    from symcheck.checking.limits import MAX_MATRIX_COLUMNS
    from symcheck.checking.verdict import Verdict
    from symcheck.config import Options

    columns = " & ".join("1" for _ in range(MAX_MATRIX_COLUMNS + 1))
    report = verify_text(f"$$\\begin{{bmatrix}} {columns} \\end{{bmatrix}} = 0$$", options=Options(cache=False))
    return report.claims[0].verdict is Verdict.UNPARSED and "limit" in report.claims[0].message
