"""Turn formula blocks into claims: chains of sides joined by top-level '='.

Blocks that end with '=' continue in the next block, and blocks that start with '=' continue
the previous one. Rows of ``aligned``-style environments are chains of their own, and a row
that starts with '=' continues the row above. Parts after a top-level comma are side conditions
(``, i = j``, ``, i \\neq j``) or further claims (``A = ..., B = ...``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..notation.tokens import Token, render, strip_layout, tokenize_block
from .blocks import FormulaBlock

OPENERS = {"{": "}", "(": ")", "[": "]"}
# Delimiters written as commands: \{ x : x = 1 \} is one set, not an equation.
COMMAND_OPENERS = {"\\{": "\\}", "\\lbrace": "\\rbrace", "\\langle": "\\rangle", "\\lvert": "\\rvert", "\\lVert": "\\rVert"}
CLOSERS = {"}", ")", "]"}
ROW_ENVIRONMENTS = {"aligned", "align", "align*", "gather", "gather*", "gathered", "eqnarray", "eqnarray*", "split", "multline", "multline*", "equation", "equation*"}
OTHER_RELATIONS = {
    "\\approx", "\\le", "\\leq", "\\ge", "\\geq", "<", ">", "\\neq", "\\ne", "\\equiv", "\\sim",
    "\\propto", "\\rightarrow", "\\to", "\\Rightarrow", "\\implies", "\\iff", "\\in", "\\mapsto",
    "\\leftarrow", "\\gets", "\\subset", "\\subseteq", "\\cong", "\\simeq", "\\ll", "\\gg", ":=",
}
INDEX_LETTERS = {"i", "j", "k", "l", "m", "n", "p", "q", "r", "s", "t"}
# Top-level separators between independent statements in one formula.
STATEMENT_SEPARATORS = {",", ";", "\\rightarrow", "\\Rightarrow", "\\implies", "\\\\"}
# Words in \text{...} that join two statements: "a = b \text{ and } c = d".
CONNECTING_WORDS = {"and", "or", "for", "if", "where", "so", "then", "with", "when", "since", "because", "hence", "thus", "i.e.", "e.g.", "and so", "for all", "for any", "while"}
ANNOTATION_COMMANDS = {"\\text", "\\textrm", "\\mbox", "\\textbf", "\\textit", "\\mathrm", "\\tag", "\\label"}


@dataclass
class Side:
    """One side of an equation chain."""

    tokens: list[Token]
    latex: str

    @property
    def line(self) -> int:
        return self.tokens[0].line if self.tokens else 0

    @property
    def column(self) -> int:
        return self.tokens[0].column if self.tokens else 0


@dataclass
class Claim:
    """A chain ``side_0 = side_1 = ...`` with its side conditions and origin."""

    path: str
    sides: list[Side]
    latex: str  # the whole chain as LaTeX
    line: int
    end_line: int
    column: int
    section: str
    section_id: int
    section_level: int = 0
    kind: str = "display"  # "inline" for math in prose, else "display" or "fence"
    paragraph: int = 0  # first line of the prose paragraph of inline math
    lead: str = ""  # the words before inline math in its sentence
    expression: bool = False  # a displayed expression with no '=', kept for the shape it gives
    conditions: list[Side] = field(default_factory=list)
    other_relation: str = ""  # a relation other than '=' found in the chain, if any
    problem: str = ""  # a structural problem that makes the claim unparsable
    problem_line: int = 0
    problem_column: int = 0


def _significant(tokens: list[Token]) -> list[Token]:
    return [token for token in tokens if token.kind != "space"]


def _trim(tokens: list[Token]) -> list[Token]:
    start, end = 0, len(tokens)
    while start < end and tokens[start].kind == "space":
        start += 1
    while end > start and tokens[end - 1].kind == "space":
        end -= 1
    return tokens[start:end]


def join_chains(blocks: list[FormulaBlock]) -> list[tuple[list[Token], list[FormulaBlock]]]:
    """Tokenize display blocks and join those that continue each other with '='."""
    chains: list[tuple[list[Token], list[FormulaBlock]]] = []
    previous_open = False
    for block in blocks:
        tokens = _trim(strip_layout(tokenize_block(block)))
        significant = _significant(tokens)
        if not significant:
            previous_open = False
            continue
        starts = significant[0].is_symbol("=")
        ends = significant[-1].is_symbol("=")
        can_join = block.kind != "inline" and chains and chains[-1][1][-1].kind != "inline"
        if can_join and (previous_open or starts):
            previous_tokens, previous_blocks = chains[-1]
            if previous_open and starts:
                tokens = tokens[tokens.index(significant[0]) + 1 :]
            chains[-1] = (previous_tokens + [Token("space", " ", block.line, block.column)] + tokens, previous_blocks + [block])
        else:
            chains.append((tokens, [block]))
        previous_open = ends and block.kind != "inline"
    return chains


def _top_level_split(tokens: list[Token], separators: set[str]) -> list[tuple[list[Token], Token | None]]:
    """Split at separator tokens that sit outside every group and environment.

    Returns the parts, each with the separator that ended it (None for the last part).
    """
    parts: list[tuple[list[Token], Token | None]] = []
    current: list[Token] = []
    # Open brackets and environments. An environment's end closes the brackets left open
    # inside it, so one unclosed '(' in a matrix entry does not swallow the rest of the chain.
    stack: list[str] = []
    for token in tokens:
        if token.kind == "symbol" and token.text in OPENERS:
            stack.append(token.text)
        elif token.kind == "symbol" and token.text in CLOSERS:
            if stack and stack[-1] in OPENERS and OPENERS[stack[-1]] == token.text:
                stack.pop()
        elif token.kind == "command" and token.text in COMMAND_OPENERS:
            stack.append(token.text)
        elif token.kind == "command" and token.text in COMMAND_OPENERS.values():
            if stack and COMMAND_OPENERS.get(stack[-1]) == token.text:
                stack.pop()
        elif token.is_command("\\begin"):
            stack.append("\\begin")
        elif token.is_command("\\end"):
            while stack and stack[-1] != "\\begin":
                stack.pop()
            if stack:
                stack.pop()
        if not stack and _token_key(token) in separators:
            parts.append((current, token))
            current = []
        else:
            current.append(token)
    parts.append((current, None))
    return parts


def _token_key(token: Token) -> str:
    return token.text if token.kind in ("symbol", "command") else ""


def _environment_rows(tokens: list[Token]) -> list[list[Token]] | None:
    """Return the rows of a top-level aligned-style environment, or None when there is none."""
    significant = _significant(tokens)
    if len(significant) < 4 or not significant[0].is_command("\\begin"):
        return None
    name = _environment_name(significant, 0)
    if name not in ROW_ENVIRONMENTS:
        return None
    body_start = tokens.index(significant[0])
    # Skip "\begin{name}".
    brace_count = 0
    position = body_start
    while position < len(tokens):
        if tokens[position].is_symbol("}"):
            brace_count += 1
            position += 1
            break
        position += 1
    end_position = len(tokens)
    for back in range(len(tokens) - 1, position - 1, -1):
        if tokens[back].is_command("\\end"):
            end_position = back
            break
    body = tokens[position:end_position]
    rows = [part for part, _ in _top_level_split(body, {"\\\\"})]
    cleaned = []
    for row in rows:
        # Text after a second alignment point (a && b) is a remark, such as "for n != 0".
        ampersands = [index for index, token in enumerate(row) if token.is_symbol("&")]
        if len(ampersands) >= 2:
            row = row[: ampersands[1]]
        kept = _drop_annotations([token for token in row if not token.is_symbol("&")])
        if _significant(kept):
            cleaned.append(kept)
    return cleaned


def _environment_name(tokens: list[Token], begin_index: int) -> str:
    name = ""
    index = begin_index + 1
    if index < len(tokens) and tokens[index].is_symbol("{"):
        index += 1
        while index < len(tokens) and not tokens[index].is_symbol("}"):
            name += tokens[index].text
            index += 1
    return name


def _drop_annotations(tokens: list[Token]) -> list[Token]:
    """Remove trailing ``\\text{...}`` remarks, ``\\tag{...}`` and ``\\label{...}``."""
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "command" and token.text in ("\\tag", "\\label"):
            index = _skip_group(tokens, index + 1)
            continue
        result.append(token)
        index += 1
    significant = _significant(result)
    # A trailing \text{...} after the formula is prose, such as "for any constant C".
    while len(significant) >= 3 and significant[-1].is_symbol("}"):
        opening = _matching_open(result, len(result) - 1 - _trailing_spaces(result))
        if opening is None or opening == 0:
            break
        command = _previous_significant(result, opening)
        if command is None or result[command].text not in ("\\text", "\\textrm", "\\mbox", "\\textit"):
            break
        script = _previous_significant(result, command)
        if script is not None and result[script].is_symbol("_", "^"):
            break  # a subscript in words, such as y_\text{max}
        result = _trim(result[:command])
        significant = _significant(result)
    return result


def _trailing_spaces(tokens: list[Token]) -> int:
    count = 0
    for token in reversed(tokens):
        if token.kind != "space":
            break
        count += 1
    return count


def _previous_significant(tokens: list[Token], index: int) -> int | None:
    index -= 1
    while index >= 0 and tokens[index].kind == "space":
        index -= 1
    return index if index >= 0 else None


def _matching_open(tokens: list[Token], close_index: int) -> int | None:
    depth = 0
    for index in range(close_index, -1, -1):
        if tokens[index].is_symbol("}"):
            depth += 1
        elif tokens[index].is_symbol("{"):
            depth -= 1
            if depth == 0:
                return index
    return None


def _skip_group(tokens: list[Token], index: int) -> int:
    while index < len(tokens) and tokens[index].kind == "space":
        index += 1
    if index >= len(tokens) or not tokens[index].is_symbol("{"):
        return index
    depth = 0
    while index < len(tokens):
        if tokens[index].is_symbol("{"):
            depth += 1
        elif tokens[index].is_symbol("}"):
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return index


def _drop_text_groups(tokens: list[Token]) -> list[Token]:
    """Turn ``\\text{ and }`` and other prose between statements into a ';' separator."""
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "command" and token.text in ("\\text", "\\textrm", "\\mbox"):
            end = _skip_group(tokens, index + 1)
            words = "".join(t.text if t.kind != "space" else " " for t in tokens[index + 1 : end]).strip("{} ").lower()
            previous = _previous_significant(result, len(result))
            after_script = previous is not None and result[previous].is_symbol("_", "^")
            if not after_script and (words in CONNECTING_WORDS or " " in words):
                result.append(Token("symbol", ";", token.line, token.column))
                index = end
                continue
        result.append(token)
        index += 1
    return result


def _is_condition(tokens: list[Token]) -> bool:
    """Tell whether a comma-separated part reads as a side condition such as ``i = j`` or ``x > 0``."""
    significant = _significant(tokens)
    if not significant:
        return False
    relations = [token for token in significant if _token_key(token) in OTHER_RELATIONS or token.is_symbol("=")]
    if not relations:
        return False
    if any(_token_key(token) in OTHER_RELATIONS for token in relations):
        return True
    # "i = j", "i = 1": both sides are an index letter or a number.
    sides = [part for part, _ in _top_level_split(significant, {"="})]
    return all(len(side) == 1 and (side[0].kind == "number" or side[0].text in INDEX_LETTERS) for side in sides)


def split_claims(tokens: list[Token], blocks: list[FormulaBlock]) -> list[Claim]:
    """Split one joined formula into claims."""
    rows = _environment_rows(tokens)
    if rows is None:
        rows = [tokens]
    else:
        rows = _continue_rows(rows)

    claims: list[Claim] = []
    for row in rows:
        claims.extend(_split_row(_strip_punctuation(_drop_annotations(row)), blocks[0]))
    return claims


def _continue_rows(rows: list[list[Token]]) -> list[list[Token]]:
    """Join an aligned row that starts with '=' to the chain of the row above."""
    joined: list[list[Token]] = []
    for row in rows:
        significant = _significant(row)
        if joined and significant and significant[0].is_symbol("="):
            joined[-1] = joined[-1] + [Token("space", " ", significant[0].line, significant[0].column)] + row
        else:
            joined.append(row)
    return joined


def _strip_punctuation(tokens: list[Token]) -> list[Token]:
    tokens = _trim(tokens)
    while tokens and (tokens[-1].is_symbol(",", ".", ";") or tokens[-1].is_command("\\\\")):
        tokens = _trim(tokens[:-1])
    return tokens


def _split_row(tokens: list[Token], block: FormulaBlock) -> list[Claim]:
    pieces = [(_trim(part), separator) for part, separator in _top_level_split(_drop_text_groups(tokens), STATEMENT_SEPARATORS)]
    claims: list[Claim] = []
    pending: list[Token] = []
    for index, (part, separator) in enumerate(pieces):
        if not part:
            continue
        after_comma = index > 0 and pieces[index - 1][1] is not None and pieces[index - 1][1].is_symbol(",")  # type: ignore[union-attr]
        after_separator = index > 0 and pieces[index - 1][1] is not None and pieces[index - 1][1].is_symbol(",", ";")  # type: ignore[union-attr]
        if claims and after_separator and _is_condition(part):
            claims[-1].conditions.append(Side(part, render(part)))
            continue
        if not any(token.is_symbol("=") for token in part):
            if len(pieces) == 1 and block.kind != "inline" and any(token.is_command("\\begin") for token in part):
                # A displayed matrix on its own can give a shape: keep it as an expression.
                claims.append(_make_expression(part, block))
                continue
            # Not a chain: a tuple such as "(x_i, y_i)" or an expression before an arrow.
            pending = pending + [Token("symbol", ",", part[0].line, part[0].column)] + part if pending else part
            if separator is None or not separator.is_symbol(","):
                pending = []
            continue
        if pending and after_comma:
            part = pending + [Token("symbol", ",", part[0].line, part[0].column)] + part
        pending = []
        claim = _make_claim(part, block)
        if claim is not None:
            claims.append(claim)
    return claims


def _make_expression(tokens: list[Token], block: FormulaBlock) -> Claim:
    """Make a claim of a displayed expression without '=': nothing to check, but it may give a shape."""
    significant = _significant(tokens)
    return Claim(
        path=block.path, sides=[Side(tokens, render(tokens))], latex=render(tokens),
        line=significant[0].line, end_line=max(token.line for token in significant), column=significant[0].column,
        section=block.section, section_id=block.section_id, section_level=block.section_level,
        kind=block.kind, paragraph=block.paragraph, lead=block.lead, expression=True,
    )


def _make_claim(tokens: list[Token], block: FormulaBlock) -> Claim | None:
    pieces = _top_level_split(tokens, {"="})
    sides = [Side(_trim(part), render(_trim(part))) for part, _ in pieces]
    significant = _significant(tokens)
    if len(sides) < 2:
        unmatched = _unbalanced(significant)
        if unmatched is None or not any(token.is_symbol("=") for token in significant):
            return None
        # "\frac{d}{dx}(x^2 = 2x": the '=' hides inside an unclosed bracket; report it.
        claim = Claim(
            path=block.path, sides=[Side(tokens, render(tokens))], latex=render(tokens),
            line=significant[0].line, end_line=max(token.line for token in significant), column=significant[0].column,
            section=block.section, section_id=block.section_id, section_level=block.section_level,
            kind=block.kind, paragraph=block.paragraph, lead=block.lead,
        )
        claim.problem = f"'{unmatched.text}' is never closed" if unmatched.text in OPENERS else f"'{unmatched.text}' closes nothing"
        claim.problem_line, claim.problem_column = unmatched.line, unmatched.column
        return claim
    claim = Claim(
        path=block.path,
        sides=sides,
        latex=render(tokens),
        line=significant[0].line,
        end_line=max(token.line for token in significant),
        column=significant[0].column,
        section=block.section,
        section_id=block.section_id,
        section_level=block.section_level,
        kind=block.kind,
        paragraph=block.paragraph,
        lead=block.lead,
    )
    for side in sides:
        for token in side.tokens:
            if _token_key(token) in OTHER_RELATIONS and _depth_zero(side.tokens, token):
                claim.other_relation = token.text
                break
    empty = [index for index, side in enumerate(sides) if not side.tokens]
    if empty:
        index = empty[0]
        anchor = sides[index - 1].tokens[-1] if index > 0 and sides[index - 1].tokens else significant[0]
        claim.problem = "empty side: nothing between two '=' signs" if 0 < index < len(sides) - 1 else (
            "the chain ends with '=' and no block continues it" if index == len(sides) - 1 else "the chain starts with '=' and no block precedes it"
        )
        claim.problem_line, claim.problem_column = anchor.line, anchor.column
    return claim


def _unbalanced(tokens: list[Token]) -> Token | None:
    """Return the first bracket without a partner, or None when every bracket is matched."""
    stack: list[Token] = []
    for token in tokens:
        if token.kind == "symbol" and token.text in OPENERS:
            stack.append(token)
        elif token.kind == "symbol" and token.text in CLOSERS:
            if not stack or OPENERS[stack[-1].text] != token.text:
                return token if not stack else stack[-1]
            stack.pop()
    return stack[0] if stack else None


def _depth_zero(tokens: list[Token], target: Token) -> bool:
    depth = 0
    for token in tokens:
        if token is target:
            return depth == 0
        if token.kind == "symbol" and token.text in OPENERS:
            depth += 1
        elif token.kind == "symbol" and token.text in CLOSERS:
            depth = max(0, depth - 1)
        elif token.is_command("\\begin"):
            depth += 1
        elif token.is_command("\\end"):
            depth = max(0, depth - 1)
    return False


def claims_from_blocks(blocks: list[FormulaBlock]) -> list[Claim]:
    """Return every claim of the formula blocks, in document order."""
    claims: list[Claim] = []
    for tokens, chain_blocks in join_chains(blocks):
        claims.extend(split_claims(tokens, chain_blocks))
    return claims
