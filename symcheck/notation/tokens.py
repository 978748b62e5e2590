"""Split LaTeX into tokens that remember where in the file they came from.

The tokenizer never fails: any character it does not know becomes a one-character token, so
that the parser, not the tokenizer, decides what is an error and reports it with a location.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..document.blocks import FormulaBlock

# Commands that only change spacing or typesetting style: dropped before parsing.
LAYOUT_COMMANDS = {
    "\\displaystyle", "\\textstyle", "\\scriptstyle", "\\medspace", "\\thinspace", "\\thickspace",
    "\\negthinspace", "\\quad", "\\qquad", "\\,", "\\;", "\\:", "\\!", "\\ ", "\\limits", "\\nolimits",
    "\\left", "\\right", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr", "\\big", "\\Big", "\\bigg", "\\Bigg",
    "\\biggl", "\\biggr", "\\middle", "\\nonumber", "\\notag", "\\hfill", "\\enspace",
}
# Spacing commands whose braced argument is a length, dropped with the command.
SPACING_WITH_ARGUMENT = {"\\hspace", "\\vspace", "\\hspace*", "\\kern", "\\mkern", "\\hskip", "\\phantom", "\\hphantom", "\\vphantom"}
# Layout commands whose braced argument is kept but whose braces must not count as a group.
TRANSPARENT_WRAPPERS = {"\\displaystyle", "\\textstyle"}


@dataclass(frozen=True)
class Token:
    """One lexical unit of LaTeX."""

    kind: str  # "command", "letter", "number", "space", "symbol"
    text: str
    line: int  # 1-based file line
    column: int  # 1-based file column

    def is_symbol(self, *texts: str) -> bool:
        return self.kind == "symbol" and self.text in texts

    def is_command(self, *names: str) -> bool:
        return self.kind == "command" and self.text in names


def tokenize(latex: str, line: int = 1, column: int = 1) -> list[Token]:
    """Split ``latex`` into tokens; ``line`` and ``column`` locate its first character."""
    tokens: list[Token] = []
    index = 0
    current_line, current_column = line, column
    length = len(latex)

    def advance(count: int) -> None:
        nonlocal index, current_line, current_column
        for char in latex[index : index + count]:
            if char == "\n":
                current_line += 1
                current_column = 1
            else:
                current_column += 1
        index += count

    while index < length:
        char = latex[index]
        start_line, start_column = current_line, current_column

        if char.isspace():
            end = index
            while end < length and latex[end].isspace():
                end += 1
            tokens.append(Token("space", " ", start_line, start_column))
            advance(end - index)
            continue

        if char == "%":
            end = latex.find("\n", index)
            advance((length if end < 0 else end) - index)
            continue

        if char == "\\":
            end = index + 1
            if end < length and latex[end].isalpha():
                while end < length and latex[end].isalpha():
                    end += 1
            else:
                end = min(end + 1, length)
            tokens.append(Token("command", latex[index:end], start_line, start_column))
            advance(end - index)
            continue

        if char.isdigit() or (char == "." and index + 1 < length and latex[index + 1].isdigit()):
            end = index
            seen_dot = False
            while end < length and (latex[end].isdigit() or (latex[end] == "." and not seen_dot)):
                if latex[end] == ".":
                    if end + 1 >= length or not latex[end + 1].isdigit():
                        break
                    seen_dot = True
                end += 1
            tokens.append(Token("number", latex[index:end], start_line, start_column))
            advance(end - index)
            continue

        kind = "letter" if char.isalpha() else "symbol"
        tokens.append(Token(kind, char, start_line, start_column))
        advance(1)

    return tokens


def tokenize_block(block: FormulaBlock) -> list[Token]:
    """Tokenize the LaTeX of a formula block, located in its file."""
    return tokenize(block.latex, block.line, block.column)


def strip_layout(tokens: list[Token]) -> list[Token]:
    """Drop spacing and style commands; unwrap the braces of ``\\displaystyle{...}``.

    ``\\left(`` keeps its delimiter. The removed braces are matched by depth, so an unbalanced
    wrapper leaves the rest for the parser to report.
    """
    result: list[Token] = []
    skip_closing: list[int] = []  # brace depths whose closing brace is dropped
    depth = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "command" and token.text in SPACING_WITH_ARGUMENT:
            following = index + 1
            while following < len(tokens) and tokens[following].kind == "space":
                following += 1
            if following < len(tokens) and tokens[following].is_symbol("{"):
                level = 0
                while following < len(tokens):
                    if tokens[following].is_symbol("{"):
                        level += 1
                    elif tokens[following].is_symbol("}"):
                        level -= 1
                    following += 1
                    if level == 0:
                        break
            # Wide spaces at the top level separate statements: "a = b \\hspace{1in} c = d".
            top = depth - len(skip_closing) == 0
            result.append(Token("symbol", ";", token.line, token.column) if top and token.text in ("\\hspace", "\\hspace*", "\\hskip") else Token("space", " ", token.line, token.column))
            index = following
            continue
        if token.kind == "command" and token.text in ("\\quad", "\\qquad") and depth - len(skip_closing) == 0:
            result.append(Token("symbol", ";", token.line, token.column))
            index += 1
            continue
        if token.kind == "command" and token.text in LAYOUT_COMMANDS:
            if token.text in TRANSPARENT_WRAPPERS:
                following = index + 1
                while following < len(tokens) and tokens[following].kind == "space":
                    following += 1
                if following < len(tokens) and tokens[following].is_symbol("{"):
                    depth += 1
                    skip_closing.append(depth)
                    index = following + 1
                    continue
            index += 1
            continue
        if token.is_symbol(":") and index + 1 < len(tokens) and tokens[index + 1].is_symbol("="):
            index += 1  # f(x) := x^2 defines f as '=' would
            continue
        if token.is_command("\\coloneqq", "\\coloneq", "\\triangleq", "\\eqqcolon"):
            result.append(Token("symbol", "=", token.line, token.column))
            index += 1
            continue
        if token.is_symbol("{"):
            depth += 1
        elif token.is_symbol("}"):
            if skip_closing and skip_closing[-1] == depth:
                skip_closing.pop()
                depth -= 1
                index += 1
                continue
            depth -= 1
        result.append(token)
        index += 1
    return result


def render(tokens: list[Token]) -> str:
    """Return LaTeX text for ``tokens``, with a space where the source had one."""
    parts: list[str] = []
    for position, token in enumerate(tokens):
        if token.kind == "space":
            parts.append(" ")
            continue
        parts.append(token.text)
        if token.kind == "command" and token.text[1:].isalpha():
            following = tokens[position + 1] if position + 1 < len(tokens) else None
            if following is not None and following.kind in ("letter", "number"):
                parts.append(" ")
    return "".join(parts).strip()
