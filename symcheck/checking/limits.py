"""Limits on the size of a formula, checked on its tokens before it is parsed.

The parser and the interpreter recurse once or more per level of nesting, so a formula nested
thousands of levels deep would raise RecursionError. A 1000 x 1000 matrix would take minutes
to build, and Python cannot convert a numeral of thousands of digits at all. These checks reject such formulas with the line and column of the place that breaks
the limit, so the claim is reported as unparsed and the rest of the document is still checked.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import Options
from ..document.claims import Claim
from ..notation.parser import ACCENTS, COMMAND_FUNCTIONS, MATRIX_ENVIRONMENTS, TERM_STOPS
from ..notation.tokens import Token

MAX_MATRIX_ROWS = 50
MAX_MATRIX_COLUMNS = 50
# Digits of one numeral. Python 3.11 refuses to convert decimal strings of more than 4300
# digits to int (sys.get_int_max_str_digits), which SymPy does when it reads a numeral.
MAX_NUMBER_DIGITS = 1000

OPENING_SYMBOLS = {"{", "(", "["}
CLOSING_SYMBOLS = {"}", ")", "]"}
# Commands whose argument is read by a recursive call: \sin\sin x nests like sin(sin(x)).
PREFIX_COMMANDS = (
    set(COMMAND_FUNCTIONS) | set(ACCENTS)
    | {"\\sqrt", "\\frac", "\\dfrac", "\\tfrac", "\\cfrac", "\\nabla", "\\sum", "\\prod", "\\lim", "\\partial"}
)
SCRIPT_SYMBOLS = {"^", "_"}
BREAK_SYMBOLS = (TERM_STOPS - CLOSING_SYMBOLS) | {"*", "/"}


@dataclass
class LimitProblem:
    """A formula over a limit: where the limit is first exceeded, and by what."""

    line: int
    column: int
    message: str

    def located(self) -> str:
        """Return the message prefixed with ``line:column:``, as verdict messages are written."""
        return f"{self.line}:{self.column}: {self.message}"


def claim_tokens(claim: Claim) -> list[Token]:
    """Return every token of a claim: its sides, then its side conditions."""
    tokens = [token for side in claim.sides for token in side.tokens]
    tokens.extend(token for condition in claim.conditions for token in condition.tokens)
    return tokens


def check_claim(claim: Claim, options: Options) -> LimitProblem | None:
    """Return the first limit ``claim`` breaks (length, numerals, nesting, matrix size), or None."""
    if len(claim.latex) > options.max_formula_length:
        return LimitProblem(
            claim.line, claim.column,
            f"the formula has {len(claim.latex)} characters, more than the limit of {options.max_formula_length}",
        )
    tokens = claim_tokens(claim)
    return check_numbers(tokens) or check_nesting(tokens, options.max_nesting) or check_matrices(tokens)


def check_numbers(tokens: list[Token], max_digits: int = MAX_NUMBER_DIGITS) -> LimitProblem | None:
    """Reject a numeral with more than ``max_digits`` digits."""
    for token in tokens:
        if token.kind == "number" and len(token.text) > max_digits:
            return LimitProblem(token.line, token.column, f"the number has {len(token.text)} digits, more than the limit of {max_digits}")
    return None


def nesting_levels(tokens: list[Token], limit: int | None = None) -> tuple[int, Token | None]:
    """Estimate how deeply the parser will recurse on ``tokens``.

    Return the maximum level and the token where it is reached, or with ``limit``, the first
    token where the level passes ``limit``. A level is an open bracket, brace or environment,
    or an operator whose operand is another operator: each of ``\\sin\\sin x``,
    ``\\sqrt\\sqrt x`` and ``x^x^x`` adds one level per operator. An operand, a term separator
    or an infix operator ends such a run. The estimate errs high: a long product written
    without operators, such as ``\\sin(x)\\cos(x)...``, counts as one run.
    """
    chains = [0]  # per open group: operators applied to operators so far
    total_chain = 0
    maximum, where, first_over = 0, None, None
    previous: Token | None = None
    for token in tokens:
        if token.kind == "space":
            continue
        if token.is_symbol(*OPENING_SYMBOLS) or token.is_command("\\begin"):
            chains.append(0)
        elif token.is_symbol(*CLOSING_SYMBOLS) or token.is_command("\\end"):
            if len(chains) > 1:
                total_chain -= chains.pop()
        elif token.is_command(*PREFIX_COMMANDS) or token.is_symbol(*SCRIPT_SYMBOLS):
            chains[-1] += 1
            total_chain += 1
        elif token.kind in ("letter", "number") and previous is not None and previous.is_symbol(*SCRIPT_SYMBOLS):
            pass  # the one-token argument of a script continues the run: x^x^x
        elif token.kind in ("letter", "number", "command") or token.is_symbol(*BREAK_SYMBOLS):
            total_chain -= chains[-1]
            chains[-1] = 0
        level = len(chains) - 1 + total_chain
        if level > maximum:
            maximum, where = level, token
            if limit is not None and first_over is None and level > limit:
                first_over = token
        previous = token
    return maximum, first_over if limit is not None else where


def check_nesting(tokens: list[Token], limit: int) -> LimitProblem | None:
    """Reject tokens nested more than ``limit`` levels deep, located where the limit is passed."""
    levels, first_over = nesting_levels(tokens, limit)
    if levels <= limit or first_over is None:
        return None
    return LimitProblem(
        first_over.line, first_over.column,
        f"the formula is nested {levels} levels deep (brackets, braces, environments and operators "
        f"applied to operators), more than the limit of {limit}",
    )


def check_matrices(tokens: list[Token], max_rows: int = MAX_MATRIX_ROWS, max_columns: int = MAX_MATRIX_COLUMNS) -> LimitProblem | None:
    """Reject a matrix environment with more than ``max_rows`` rows or ``max_columns`` columns.

    Rows are counted at ``\\\\`` and columns at ``&`` of the environment's own level, so a
    matrix nested in a cell is counted separately. A trailing ``\\\\`` and the empty rows that
    some authors write as spacing are counted too, so the count may exceed the matrix's rows.
    """
    open_matrices: list[_MatrixCount] = []
    depth = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.is_command("\\begin"):
            name, index = _environment_name(tokens, index)
            open_matrices.append(_MatrixCount(token, name in MATRIX_ENVIRONMENTS, depth))
            continue
        if token.is_command("\\end"):
            _, index = _environment_name(tokens, index)
            if open_matrices:
                problem = open_matrices.pop().problem(max_rows, max_columns)
                if problem is not None:
                    return problem
            continue
        if token.is_symbol("{"):
            depth += 1
        elif token.is_symbol("}"):
            depth -= 1
        elif open_matrices and open_matrices[-1].depth == depth:
            open_matrices[-1].count(token)
        index += 1
    for matrix in open_matrices:
        problem = matrix.problem(max_rows, max_columns)
        if problem is not None:
            return problem
    return None


@dataclass
class _MatrixCount:
    begin: Token
    is_matrix: bool
    depth: int  # brace depth of the environment's cells
    rows: int = 1
    columns: int = 1  # in the current row
    max_columns: int = 1

    def count(self, token: Token) -> None:
        if token.is_symbol("&"):
            self.columns += 1
            self.max_columns = max(self.max_columns, self.columns)
        elif token.is_command("\\\\"):
            self.rows += 1
            self.columns = 1

    def problem(self, max_rows: int, max_columns: int) -> LimitProblem | None:
        if not self.is_matrix or (self.rows <= max_rows and self.max_columns <= max_columns):
            return None
        return LimitProblem(
            self.begin.line, self.begin.column,
            f"the matrix has {self.rows} rows and {self.max_columns} columns, more than the limit of {max_rows} x {max_columns}",
        )


def _environment_name(tokens: list[Token], index: int) -> tuple[str, int]:
    """Read ``\\begin{name}`` or ``\\end{name}`` at ``index``; return the name and the index after it."""
    position = index + 1
    while position < len(tokens) and tokens[position].kind == "space":
        position += 1
    if position >= len(tokens) or not tokens[position].is_symbol("{"):
        return "", index + 1
    closing = position + 1
    while closing < len(tokens) and not tokens[closing].is_symbol("}"):
        closing += 1
    name = "".join(token.text for token in tokens[position + 1 : closing])
    return name, min(closing + 1, len(tokens))
