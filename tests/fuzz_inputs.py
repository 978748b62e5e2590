"""Generators of malformed and unusual LaTeX and Markdown, for the fuzz tests and the fuzz campaign.

Every generator takes a ``random.Random``, so a run is repeatable from its seed.
"""

from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
FORMULA_FOLDER = REPOSITORY / "formulas"

# Pieces of LaTeX: the notation symcheck reads, broken structure, unknown commands and text
# that Python or SymPy would treat specially if it ever reached them.
LATEX_PIECES = [
    "x", "y", "z", "a", "b", "n", "i", "j", "f", "g", "W", "\\sigma", "\\alpha", "\\theta", "\\pi", "e",
    "0", "1", "2", "3.5", "10", "-", "+", "=", "=", "*", "/", ",", ";", "'", "|", "!", "?", ":", "<", ">",
    "(", ")", "[", "]", "{", "}", "\\{", "\\}", "^", "_", "^{", "_{", "&", "\\\\", "%", "~", "#", "$", "@",
    "\\frac", "\\frac{", "\\dfrac", "\\sqrt", "\\sqrt[", "\\sin", "\\cos", "\\log", "\\exp", "\\ln",
    "\\sum", "\\sum_{i=1}^{n}", "\\prod", "\\lim_{h \\to 0}", "\\int", "\\partial", "\\nabla", "\\nabla_w",
    "\\vec", "\\mathbf", "\\hat", "\\bar", "\\left(", "\\right)", "\\left.", "\\right.", "\\left|",
    "\\begin{bmatrix}", "\\end{bmatrix}", "\\begin{pmatrix}", "\\end{pmatrix}", "\\begin{cases}",
    "\\begin{aligned}", "\\end{aligned}", "\\begin{array}{cc}", "\\end{array}", "\\begin{unknown}",
    "\\end", "\\begin", "\\ldots", "\\cdots", "\\vdots", "\\ddots", "\\cdot", "\\times", "\\odot",
    "\\otimes", "\\circ", "^T", "^{T}", "^\\top", "^{-1}", "^{(l)}", "_{ij}", "\\displaystyle",
    "\\text{", "\\text{ if }", "\\mathrm{d}", "\\operatorname{", "\\operatorname{softmax}", "\\quad",
    "\\,", "\\;", "\\!", "\\ ", "\\foo", "\\unknowncommand", "\\x", "\\", "\\\\\\\\", "\\le", "\\neq",
    "\\approx", "\\to", "\\in", "\\mathbb{R}", "\\infty", "\\max", "\\min", "\\det", "\\tag{1}",
    "\\label{eq}", "\\color{red}", "\\def\\x{y}", "\\newcommand", "\\input{/etc/passwd}",
    "__import__('os')", "eval(", "exec(", "lambda", "os.system", "\\operatorname{__import__}",
    " ", "  ", "\t", "\n", "\r\n", "\r", "\u00a0", "\u200b", "\u202e", "α", "β", "∑", "∂", "√", "×",
    "é", "ü", "字", "\U0001f600", "\ufeff", "\x00", "\x0b", "\x1b[31m",
]
HUGE_NUMBERS = ["9" * 30, "1" + "0" * 400, "1" + "0" * 5000, "0." + "0" * 300 + "1", "1e308", "10^{10^{10}}", "2^{2^{2^{2^{2}}}}"]
PROSE = ["Some text.", "A *word* and a `code span`.", "- a list item", "> a quote", "| a | b |\n|---|---|", "1. first", ""]
LINE_ENDINGS = ["\n", "\r\n", "\r"]
FENCE_LANGUAGES = ["latex", "math", "tex", "katex", "", "python"]


@lru_cache(maxsize=1)
def real_formulas() -> tuple[str, ...]:
    """Return the LaTeX of every formula in the repository's example documents."""
    from symcheck.document.blocks import FormulaBlock
    from symcheck.document.reader import read_text

    formulas: list[str] = []
    for path in sorted(FORMULA_FOLDER.glob("*.md")):
        items = read_text(path.read_text(encoding="utf-8"), str(path))
        formulas.extend(item.latex for item in items if isinstance(item, FormulaBlock))
    return tuple(formulas)


def random_pieces(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(LATEX_PIECES) for _ in range(count))


def mutate(rng: random.Random, text: str, mutations: int) -> str:
    """Apply ``mutations`` random edits: deletions, insertions, duplications and swaps."""
    for _ in range(mutations):
        if not text:
            text = rng.choice(LATEX_PIECES)
            continue
        start = rng.randrange(len(text))
        end = min(len(text), start + rng.randint(1, 8))
        kind = rng.randrange(5)
        if kind == 0:
            text = text[:start] + text[end:]
        elif kind == 1:
            text = text[:start] + rng.choice(LATEX_PIECES) + text[start:]
        elif kind == 2:
            text = text[:end] + text[start:end] + text[end:]
        elif kind == 3:
            other = rng.randrange(len(text))
            chars = list(text)
            chars[start], chars[other] = chars[other], chars[start]
            text = "".join(chars)
        else:
            text = text[:start] + rng.choice(HUGE_NUMBERS) + text[end:]
    return text


def random_latex(rng: random.Random) -> str:
    """Return one formula: random pieces, a slice or a mutation of a real formula, or deep nesting."""
    kind = rng.randrange(6)
    formulas = real_formulas()
    if kind == 0 or not formulas:
        return random_pieces(rng, rng.randint(0, 30))
    formula = rng.choice(formulas)
    if kind == 1:
        start = rng.randrange(len(formula) + 1)
        return formula[start : start + rng.randint(0, 200)]
    if kind == 2:
        return mutate(rng, formula, rng.randint(1, 6))
    if kind == 3:
        left, right = rng.choice([("{", "}"), ("(", ")"), ("\\sqrt{", "}"), ("\\frac{1}{", "}"), ("x^{", "}"), ("\\left(", "\\right)")])
        depth = rng.randint(1, 40)
        closing = depth if rng.random() < 0.7 else rng.randint(0, depth)
        return left * depth + rng.choice(["x", "1", ""]) + right * closing + rng.choice(["", " = x", " = 1"])
    if kind == 4:
        return rng.choice(formulas) + rng.choice(["=", " = ", "\\\\", "&", "}"]) + random_pieces(rng, rng.randint(1, 8))
    return f"{random_pieces(rng, rng.randint(1, 6))} = {random_pieces(rng, rng.randint(1, 6))}"


def random_block(rng: random.Random) -> str:
    """Return one Markdown block that holds a formula, or a broken or empty math container."""
    latex = random_latex(rng)
    kind = rng.randrange(12)
    if kind == 0:
        return f"$${latex}$$"
    if kind == 1:
        return f"Inline ${latex}$ in prose."
    if kind == 2:
        return f"```{rng.choice(FENCE_LANGUAGES)}\n{latex}\n```"
    if kind == 3:
        return f"\\[{latex}\\]"
    if kind == 4:
        return f"<details><summary>More</summary>\n\n$${latex}$$\n\n</details>"
    if kind == 5:
        return rng.choice(["```latex\n```", "```math\n\n```", "$$$$", "$ $", "```latex", "$$", "\\[", "<details>"])
    if kind == 6:
        return f"{'#' * rng.randint(1, 7)} Heading ${latex}$"
    if kind == 7:
        return f"<!-- symcheck: {rng.choice(['skip', 'xfail', 'budget 0.1', 'shape W 2 x 3', 'assume x > 0', 'nonsense', latex])} -->"
    if kind == 8:
        return f"$${latex}\n{random_latex(rng)}$$"
    if kind == 9:
        return f"$${latex} = $$\n\n$$= {random_latex(rng)}$$"
    if kind == 10:
        return f"$$\\begin{{aligned}} {latex} \\\\ &= {random_latex(rng)} \\end{{aligned}}$$"
    return rng.choice(PROSE) + " " + random_pieces(rng, rng.randint(0, 4))


def random_markdown(rng: random.Random, blocks: int = 4) -> str:
    """Return a Markdown document of about ``blocks`` blocks with one kind of line ending."""
    parts = [random_block(rng) for _ in range(rng.randint(1, blocks))]
    text = "\n\n".join(parts)
    ending = rng.choice(LINE_ENDINGS)
    return text.replace("\n", ending) if ending != "\n" else text
