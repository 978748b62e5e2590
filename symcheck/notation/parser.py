"""Parse the tokens of one side of a claim into a notation tree.

The grammar is the one mathematical writing uses, with the field's notation built in:
sums of terms, products by juxtaposition or an operator, fractions (ordinary or Leibniz),
powers, transposes, primes, subscripts, layer superscripts, function application, matrices,
``\\nabla``, ``J``, big operators and ellipses. A construct that cannot be read raises
ParseError with the token where reading stopped; nothing is dropped silently.
"""

from __future__ import annotations

from typing import Callable

from .ast import (
    Apply, BigOperator, Derivative, Ellipsis_, Fraction, Gradient, Group, Index, Jacobian, Matrix_,
    Name, Node, Number, Parsed, ParseIssue, Power, Prime, Product, Root, Sequence, Sum_, Text,
    Transpose,
)
from .tokens import Token

# Standard functions written with a backslash; the value is the canonical name.
COMMAND_FUNCTIONS = {
    "\\sin": "sin", "\\cos": "cos", "\\tan": "tan", "\\cot": "cot", "\\sec": "sec", "\\csc": "csc",
    "\\arcsin": "asin", "\\arccos": "acos", "\\arctan": "atan", "\\sinh": "sinh", "\\cosh": "cosh",
    "\\tanh": "tanh", "\\coth": "coth", "\\exp": "exp", "\\ln": "log", "\\log": "log", "\\max": "max",
    "\\min": "min", "\\det": "det", "\\sgn": "sign", "\\operatorname": "",
}
# Standard functions people write without a backslash; matched only when a bracket follows.
BARE_FUNCTIONS = {
    "arcsin": "asin", "arccos": "acos", "arctan": "atan", "sinh": "sinh", "cosh": "cosh",
    "tanh": "tanh", "sigmoid": "sigmoid", "softmax": "softmax", "diag": "diag", "relu": "relu",
    "ReLU": "relu", "sin": "sin", "cos": "cos", "tan": "tan", "cot": "cot", "exp": "exp",
    "log": "log", "ln": "log", "max": "max", "min": "min", "sgn": "sign", "sign": "sign", "abs": "abs",
    "tr": "trace", "det": "det",
}
ACCENTS = {
    "\\vec": "vec", "\\mathbf": "mathbf", "\\boldsymbol": "boldsymbol", "\\bm": "bm", "\\hat": "hat",
    "\\widehat": "hat", "\\bar": "bar", "\\overline": "bar", "\\tilde": "tilde", "\\widetilde": "tilde",
    "\\dot": "dot", "\\ddot": "ddot", "\\overrightarrow": "vec", "\\mathit": "", "\\mathrm": "",
    "\\mathsf": "", "\\mathcal": "mathcal", "\\mathbb": "mathbb", "\\check": "check", "\\breve": "breve",
}
ELLIPSES = {"\\ldots": "ldots", "\\cdots": "cdots", "\\vdots": "vdots", "\\ddots": "ddots", "\\dots": "ldots", "\\dotsc": "ldots", "\\dotsb": "cdots"}
PRODUCT_OPERATORS = {
    "\\cdot": "cdot", "\\times": "times", "*": "*", "/": "/", "\\odot": "odot", "\\circ": "odot",
    "\\otimes": "otimes", "\\ast": "*", "\\div": "/",
}
TERM_STOPS = {"+", "-", "=", ",", ")", "]", "}", "&", ";", "|"}
STOP_COMMANDS = {
    "\\\\", "\\end", "\\pm", "\\mp", "\\approx", "\\le", "\\leq", "\\ge", "\\geq", "\\neq", "\\ne",
    "\\to", "\\rightarrow", "\\in", "\\equiv", "\\sim", "\\propto", "\\Rightarrow", "\\implies",
    "\\right", "\\mapsto", "\\iff", "\\quad", "\\qquad", "\\text", "\\textrm", "\\mbox",
}
MATRIX_ENVIRONMENTS = {"bmatrix", "pmatrix", "matrix", "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix", "array", "cases"}
# Letters that name functions when followed by "(": the usual names for arbitrary functions.
FUNCTION_LETTERS = {"f", "g", "h", "F", "G", "H", "\\sigma", "\\phi", "\\varphi", "\\psi", "\\ell", "u", "v", "p", "q", "\\rho"}
GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta",
    "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "varpi", "rho", "varrho", "sigma", "varsigma",
    "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda",
    "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
}
# Commands that name a symbol: Greek letters and a few others.
SYMBOL_COMMANDS = {"\\" + letter for letter in GREEK} | {"\\ell", "\\hbar", "\\infty", "\\imath", "\\jmath", "\\aleph"}
TRANSPOSE_MARKS = {"T", "\\top", "\\intercal", "\\mathsf{T}", "\\mathrm{T}"}
GREEK_AND_SYMBOLS_PREFIX = "\\"


class ParseError(Exception):
    """A formula that cannot be read; ``token`` is where reading stopped."""

    def __init__(self, message: str, token: Token | None) -> None:
        super().__init__(message)
        self.message = message
        self.token = token


class Parser:
    """A recursive-descent parser over the tokens of one side."""

    def __init__(self, tokens: list[Token], function_names: set[str] | None = None, layer_names: set[str] | None = None) -> None:
        self.tokens = tokens
        self.position = 0
        self.function_names = function_names or set()
        self.layer_names = layer_names or {"l", "L"}
        self.issues: list[ParseIssue] = []
        self._open_bars = 0  # absolute-value bars opened and not yet closed

    # -- token access ---------------------------------------------------------------

    def _skip_spaces(self) -> None:
        while self.position < len(self.tokens) and self.tokens[self.position].kind == "space":
            self.position += 1

    def peek(self, skip_spaces: bool = True) -> Token | None:
        if skip_spaces:
            self._skip_spaces()
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def peek_after(self, count: int) -> Token | None:
        index = self.position
        seen = 0
        while index < len(self.tokens):
            if self.tokens[index].kind != "space":
                if seen == count:
                    return self.tokens[index]
                seen += 1
            index += 1
        return None

    def space_before_next(self) -> bool:
        return self.position < len(self.tokens) and self.tokens[self.position].kind == "space"

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise ParseError("unexpected end of formula", self._last_token())
        self.position += 1
        return token

    def expect_symbol(self, text: str, context: str) -> Token:
        token = self.peek()
        if token is None or not token.is_symbol(text):
            found = "the end of the formula" if token is None else f"'{token.text}'"
            raise ParseError(f"expected '{text}' {context}, found {found}", token or self._last_token())
        self.position += 1
        return token

    def _last_token(self) -> Token | None:
        return self.tokens[-1] if self.tokens else None

    def at_end(self) -> bool:
        return self.peek() is None

    # -- grammar --------------------------------------------------------------------

    def parse(self) -> Parsed:
        if self.at_end():
            raise ParseError("empty side", self._last_token())
        node = self.expression()
        token = self.peek()
        if token is not None:
            raise ParseError(f"cannot read '{token.text}' here", token)
        return Parsed(node, self.issues)

    def expression(self) -> Node:
        start = self.peek()
        if start is None:
            raise ParseError("expected an expression, found the end of the formula", self._last_token())
        terms: list[tuple[int, Node]] = []
        sign = 1
        token = self.peek()
        if token is not None and token.is_symbol("+", "-"):
            sign = -1 if token.text == "-" else 1
            self.take()
        terms.append((sign, self.term()))
        while True:
            token = self.peek()
            if token is None or not token.is_symbol("+", "-"):
                break
            self.take()
            if self.at_end() or self._at_term_stop():
                raise ParseError(f"'{token.text}' has nothing after it", token)
            terms.append((-1 if token.text == "-" else 1, self.term()))
        if len(terms) == 1 and terms[0][0] == 1:
            return terms[0][1]
        return Sum_(start, terms)

    def _at_term_stop(self) -> bool:
        token = self.peek()
        if token is None:
            return True
        if token.is_symbol("|") and self._open_bars == 0:
            return False  # an opening bar |x| starts a factor; inside one, a bar closes it
        if token.kind == "symbol" and token.text in TERM_STOPS:
            return True
        return token.kind == "command" and token.text in STOP_COMMANDS

    def term(self) -> Node:
        start = self.peek()
        if start is None:
            raise ParseError("expected an expression, found the end of the formula", self._last_token())
        factors: list[tuple[str, Node]] = []
        operator = ""
        while True:
            if self._at_term_stop():
                if operator:
                    raise ParseError(f"'{start.text if not factors else operator}' has nothing after it", self.peek() or self._last_token())
                break
            token = self.peek()
            assert token is not None
            key = token.text
            if token.kind in ("symbol", "command") and key in PRODUCT_OPERATORS:
                if not factors or operator:
                    raise ParseError(f"'{key}' needs a factor on each side", token)
                self.take()
                operator = PRODUCT_OPERATORS[key]
                continue
            if factors and token.is_symbol("-") :
                break
            factors.append((operator, self.factor()))
            operator = ""
        if not factors:
            token = self.peek() or self._last_token()
            raise ParseError("expected an expression" + (f", found '{token.text}'" if token else ""), token)
        if len(factors) == 1:
            return factors[0][1]
        return Product(start, factors)

    def factor(self) -> Node:
        node = self.atom()
        return self.postfix(node)

    def postfix(self, node: Node) -> Node:
        while True:
            token = self.peek(skip_spaces=False)
            if token is None:
                return node
            if token.is_symbol("'"):
                order = 0
                while self.peek(skip_spaces=False) is not None and self.peek(skip_spaces=False).is_symbol("'"):  # type: ignore[union-attr]
                    self.position += 1
                    order += 1
                node = Prime(node.start, node, order)
                node = self._maybe_apply_after_prime(node)
                continue
            if token.is_symbol("^"):
                self.position += 1
                node = self._superscript(node, token)
                continue
            if token.is_symbol("_"):
                self.position += 1
                text, _ = self._script_text()
                if isinstance(node, Name) and not node.subscript:
                    node.subscript = text
                elif isinstance(node, Name) and node.layer and not node.subscript:
                    node.subscript = text
                else:
                    node = Index(node.start, node, text)
                continue
            if token.is_symbol("!"):
                self.position += 1
                node = Apply(node.start, Name(token, "factorial"), [node], known=True)
                continue
            return node

    def _maybe_apply_after_prime(self, node: Prime) -> Node:
        """``f'(x)`` and ``\\sigma'(z)``: a primed function name applied to arguments."""
        token = self.peek(skip_spaces=False)
        if token is not None and token.is_symbol("(") and isinstance(node.operand, Name):
            arguments = self._argument_list()
            return Prime(node.start, Apply(node.operand.start, node.operand, arguments), node.order)
        return node

    def _superscript(self, node: Node, caret: Token) -> Node:
        start_position = self.position
        text, tokens = self._script_text()
        stripped = text.replace(" ", "")
        if stripped in TRANSPOSE_MARKS and not (isinstance(node, Name) and node.base == "e" and not node.subscript):
            return Transpose(node.start, node)
        if stripped in ("-T", "{-T}"):
            return Transpose(node.start, Power(node.start, node, Number(caret, "-1")))
        if isinstance(node, Name) and not node.layer and self._is_layer_index(stripped):
            node.layer = stripped.strip("{}")
            return node
        if stripped.startswith("(") and stripped.endswith(")") and isinstance(node, Name) and not node.layer:
            # A parenthesised superscript such as W^{(1)} is a layer index in most texts.
            node.layer = stripped
            return node
        self.position = start_position
        exponent = self._script_node()
        return Power(node.start, node, exponent)

    def _is_layer_index(self, text: str) -> bool:
        text = text.strip("{}")
        for name in self.layer_names:
            if text == name:
                return True
            for sign in ("+", "-"):
                if text.startswith(name + sign) and text[len(name) + 1 :].isdigit():
                    return True
        return False

    def _script_text(self) -> tuple[str, list[Token]]:
        """Read a sub- or superscript argument and return its LaTeX text and tokens."""
        token = self.peek(skip_spaces=False)
        if token is None:
            raise ParseError("a script marker has nothing after it", self._last_token())
        if token.is_symbol("{"):
            tokens = self._braced_tokens()
            return _plain_text(tokens), tokens
        self.position += 1
        if token.kind == "command" and token.text in ACCENTS:
            inner, inner_tokens = self._script_text()
            return f"{token.text}{{{inner}}}", [token] + inner_tokens
        if token.kind == "command" and token.text in ("\\text", "\\textrm", "\\mbox", "\\textit"):
            # x_\text{max}: the words are the subscript.
            following = self.peek(skip_spaces=False)
            if following is not None and following.is_symbol("{"):
                inner_tokens = self._braced_tokens()
                return _plain_text(inner_tokens), [token] + inner_tokens
        return token.text, [token]

    def _script_node(self) -> Node:
        token = self.peek(skip_spaces=False)
        if token is None:
            raise ParseError("an exponent is missing", self._last_token())
        if token.is_symbol("{"):
            open_token = self.take()
            if self.peek() is not None and self.peek().is_symbol("}"):  # type: ignore[union-attr]
                raise ParseError("empty exponent", open_token)
            node = self.expression()
            self.expect_symbol("}", "to close the exponent")
            return node
        self.position += 1
        if token.kind == "number":
            return Number(token, token.text[0]) if len(token.text) > 1 and False else Number(token, token.text)
        if token.kind == "letter":
            return Name(token, token.text)
        if token.kind == "command":
            self.position -= 1
            return self.atom()
        raise ParseError(f"cannot read the exponent '{token.text}'", token)

    def _braced_tokens(self) -> list[Token]:
        open_token = self.take()
        depth = 1
        collected: list[Token] = []
        while self.position < len(self.tokens):
            token = self.tokens[self.position]
            self.position += 1
            if token.is_symbol("{"):
                depth += 1
            elif token.is_symbol("}"):
                depth -= 1
                if depth == 0:
                    return collected
            collected.append(token)
        raise ParseError("unbalanced '{': no closing brace", open_token)

    # -- atoms ----------------------------------------------------------------------

    def atom(self) -> Node:
        token = self.peek()
        if token is None:
            raise ParseError("expected an expression, found the end of the formula", self._last_token())

        if token.kind == "number":
            self.take()
            return Number(token, token.text)
        if token.kind == "letter":
            return self._letters()
        if token.is_symbol("("):
            return self._bracketed("(", ")")
        if token.is_symbol("["):
            return self._bracketed("[", "]")
        if token.is_symbol("{"):
            self.take()
            if self.peek() is not None and self.peek().is_symbol("}"):  # type: ignore[union-attr]
                raise ParseError("empty group '{}'", token)
            body = self.expression()
            if self.peek() is not None and self.peek().is_symbol(","):  # type: ignore[union-attr]
                raise ParseError("a comma-separated set in braces is not an expression", self.peek())
            self.expect_symbol("}", "to close the group")
            return Group(token, body, "{")
        if token.is_symbol("|"):
            self.take()
            self._open_bars += 1
            try:
                body = self.expression()
            finally:
                self._open_bars -= 1
            self.expect_symbol("|", "to close the absolute value")
            return Apply(token, Name(token, "abs"), [body], known=True)
        if token.is_symbol(".") and self._dots_ahead():
            for _ in range(3):
                self.take()
            return Ellipsis_(token, "ldots")
        if token.kind == "command":
            return self._command(token)
        raise ParseError(f"cannot read '{token.text}' here", token)

    def _dots_ahead(self) -> bool:
        return all(
            self.position + offset < len(self.tokens) and self.tokens[self.position + offset].is_symbol(".")
            for offset in range(3)
        )

    def _letters(self) -> Node:
        token = self.peek()
        assert token is not None
        word = self._word_at(self.position)
        for length in range(min(len(word), 7), 1, -1):
            candidate = word[:length]
            if candidate in BARE_FUNCTIONS and self._bracket_after_letters(length):
                self.position += length
                self.issues.append(ParseIssue(token, "bare-function", f"read '{candidate}' as the function \\{candidate}" if candidate in ("sin", "cos", "tan", "exp", "ln", "log", "max", "min") else f"read '{candidate}' as the function {candidate}"))
                self.issues.pop()  # bare names are the norm in plain-text math; not worth a warning
                return self._apply_known(token, BARE_FUNCTIONS[candidate], bare=True)
        self.take()
        if token.text == "d" and self._is_differential_here():
            raise ParseError("a differential 'd' outside a derivative quotient", token)
        if token.text == "J" and self._jacobian_follows():
            operand = self.factor()
            return Jacobian(token, operand)
        if token.text == "D" and self._operator_d_follows():
            return self._operator_d(token)
        name = Name(token, token.text)
        return self._maybe_apply(name)

    def _operator_d_follows(self) -> bool:
        """``Df(x)`` or ``D_x f(x)``: D as the differentiation operator before a function."""
        index = self.position
        if index < len(self.tokens) and self.tokens[index].is_symbol("_"):
            index += 2 if index + 1 < len(self.tokens) and not self.tokens[index + 1].is_symbol("{") else 0
            if index == self.position:
                depth = 0
                for offset, token in enumerate(self.tokens[self.position + 1 :], start=self.position + 1):
                    if token.is_symbol("{"):
                        depth += 1
                    elif token.is_symbol("}"):
                        depth -= 1
                    if depth == 0:
                        index = offset + 1
                        break
        while index < len(self.tokens) and self.tokens[index].kind == "space":
            index += 1
        if index >= len(self.tokens):
            return False
        token = self.tokens[index]
        if not ((token.kind == "letter" or token.kind == "command") and token.text in FUNCTION_LETTERS):
            return False
        following = self.tokens[index + 1] if index + 1 < len(self.tokens) else None
        # Df(x), D_x f(x), D_i f: the operator before a function, applied or bare.
        return following is None or following.is_symbol("(") or following.kind == "space" or following.is_symbol(",", ".", "=")

    def _operator_d(self, token: Token, partial: bool = False) -> Node:
        following = self.peek(skip_spaces=False)
        if following is not None and following.is_symbol("_"):
            self.position += 1
            text, tokens = self._script_text()
            significant = [t for t in tokens if t.kind != "space"]
            if len(significant) == 1 and significant[0].kind == "letter" and significant[0].text in ("i", "j", "k"):
                # D_i f: the derivative by the i-th variable, x_i.
                wrt: Node = Name(significant[0], "x", significant[0].text)
            else:
                wrt = self.sub_parse(significant, token, "differentiation variable")
            operand = self.factor()
            return Derivative(token, None, wrt, partial=partial, operand=operand)
        if partial:
            raise ParseError("'\\partial' without a subscript or a fraction", token)
        operand = self.factor()
        return Prime(token, operand, 1)

    def _is_differential_here(self) -> bool:
        return False

    def _jacobian_follows(self) -> bool:
        following = self.peek(skip_spaces=False)
        if following is None:
            return False
        if following.kind == "space":
            nxt = self.peek()
            return nxt is not None and (nxt.is_command("\\begin") or nxt.is_symbol("(", "[") or nxt.kind == "letter" or nxt.kind == "command" and nxt.text in ACCENTS)
        return following.is_command("\\begin")

    def _word_at(self, index: int) -> str:
        word = ""
        while index < len(self.tokens) and self.tokens[index].kind == "letter":
            word += self.tokens[index].text
            index += 1
        return word

    def _bracket_after_letters(self, length: int) -> bool:
        index = self.position + length
        if index >= len(self.tokens):
            return False
        following = self.tokens[index]
        if following.is_symbol("(", "{", "["):
            return True
        if following.kind == "space" and index + 1 < len(self.tokens):
            return self.tokens[index + 1].is_symbol("(")
        return False

    def _maybe_apply(self, name: Name) -> Node:
        """Apply ``name`` to a following argument list when ``name`` names a function."""
        # Scripts come first: f_{12}(x) and f^{l}(x).
        name_node: Node = self.postfix_scripts(name)
        if not isinstance(name_node, Name):
            return name_node
        following = self.peek(skip_spaces=False)
        if following is not None and following.is_symbol("^") and self._names_function(name_node):
            # g^2(x): the square of g(x).
            saved = self.position
            self.position += 1
            exponent = self._script_node()
            after = self.peek(skip_spaces=False)
            if after is not None and after.is_symbol("("):
                return Power(name_node.start, Apply(name_node.start, name_node, self._argument_list()), exponent)
            self.position = saved
            return name_node
        if following is None or not following.is_symbol("("):
            return name_node
        if self._names_function(name_node) or self._comma_list_follows():
            arguments = self._argument_list()
            return Apply(name_node.start, name_node, arguments)
        return name_node

    def _comma_list_follows(self) -> bool:
        """Tell whether the parenthesis ahead contains a comma-separated list, as in x(a, b)."""
        depth = 0
        for token in self.tokens[self.position :]:
            if token.is_symbol("(", "[", "{"):
                depth += 1
            elif token.is_symbol(")", "]", "}"):
                depth -= 1
                if depth == 0:
                    return False
            elif depth == 1 and token.is_symbol(","):
                return True
        return False

    def postfix_scripts(self, name: Name) -> Node:
        """Attach subscripts and layer superscripts directly written on ``name``."""
        while True:
            token = self.peek(skip_spaces=False)
            if token is None:
                return name
            if token.is_symbol("_") and not name.subscript:
                self.position += 1
                name.subscript, _ = self._script_text()
                continue
            if token.is_symbol("^") and not name.layer:
                saved = self.position
                self.position += 1
                text, _ = self._script_text()
                stripped = text.replace(" ", "")
                if self._is_layer_index(stripped) or (stripped.startswith("(") and stripped.endswith(")")):
                    name.layer = stripped
                    continue
                self.position = saved
            return name

    def _names_function(self, name: Name) -> bool:
        if name.key() in self.function_names or name.base in self.function_names:
            return True
        return name.base in FUNCTION_LETTERS and not name.is_vector

    def _argument_list(self) -> list[Node]:
        open_token = self.expect_symbol("(", "to open the argument list")
        arguments: list[Node] = []
        if self.peek() is not None and self.peek().is_symbol(")"):  # type: ignore[union-attr]
            raise ParseError("empty argument list", open_token)
        while True:
            arguments.append(self.expression())
            token = self.peek()
            if token is None:
                raise ParseError("unbalanced '(': no closing parenthesis", open_token)
            if token.is_symbol(","):
                self.take()
                continue
            if token.is_symbol(")"):
                self.take()
                return arguments
            raise ParseError(f"expected ',' or ')' in the argument list, found '{token.text}'", token)

    def _apply_known(self, token: Token, canonical: str, bare: bool = False) -> Node:
        following = self.peek(skip_spaces=False)
        if following is not None and following.is_symbol("^"):
            # \sin^2 x: a power of the function's value; \sin^{-1} x: the inverse function.
            self.position += 1
            exponent = self._script_node()
            if _is_minus_one(exponent) and canonical in INVERSE_FUNCTIONS:
                return self._apply_known(token, INVERSE_FUNCTIONS[canonical])
            if _is_minus_one(exponent):
                raise ParseError(f"'{canonical}^{{-1}}' is ambiguous: write the inverse function or 1/{canonical}", token)
            inner = self._apply_known(token, canonical)
            return Power(token, inner, exponent)
        if following is not None and following.is_symbol("_") and canonical == "log":
            self.position += 1
            base_text, _ = self._script_text()
            inner = self._apply_known(token, "log")
            assert isinstance(inner, Apply)
            inner.arguments.append(Number(token, base_text))
            return inner
        function = Name(token, canonical)
        nxt = self.peek()
        if nxt is not None and nxt.is_symbol("("):
            return Apply(token, function, self._argument_list(), known=True)
        if nxt is not None and nxt.is_symbol("{"):
            open_token = self.take()
            body = self.expression()
            self.expect_symbol("}", "to close the function argument")
            return Apply(token, function, [body], known=True)
        if nxt is None or self._at_term_stop():
            raise ParseError(f"the function '{canonical}' has no argument", token)
        # \sin 2x, \cos xy, \log x^2: the argument is the product written after the name, up to
        # an operator or the next function (\sin x \cos x is a product of two functions).
        argument = self._function_argument()
        return Apply(token, function, [argument], known=True)

    def _function_argument(self) -> Node:
        def ends_argument(token: Token) -> bool:
            if token.kind == "command" and (token.text in COMMAND_FUNCTIONS or token.text in ("\\frac", "\\dfrac", "\\nabla", "\\partial", "\\sum", "\\prod", "\\lim", "\\sqrt")):
                return True
            if token.kind == "letter" and self._bare_function_at():
                return True
            return token.is_symbol("(", "[", "|")

        return self._factors_until(ends_argument)

    def _bare_function_at(self) -> bool:
        self._skip_spaces()
        word = self._word_at(self.position)
        return any(word.startswith(name) and self._bracket_after_letters(len(name)) for name in BARE_FUNCTIONS)

    def _bracketed(self, opening: str, closing: str) -> Node:
        open_token = self.take()
        if self.peek() is not None and self.peek().is_symbol(closing):  # type: ignore[union-attr]
            raise ParseError(f"empty '{opening}{closing}'", open_token)
        items = [self.expression()]
        while self.peek() is not None and self.peek().is_symbol(",", ";"):  # type: ignore[union-attr]
            self.take()
            items.append(self.expression())
        token = self.peek()
        if token is None:
            raise ParseError(f"unbalanced '{opening}': no closing '{closing}'", open_token)
        if not token.is_symbol(closing):
            if token.is_symbol(")", "]") and opening in "([":
                # Half-open intervals and mismatched brackets are not expressions.
                raise ParseError(f"'{opening}' is closed by '{token.text}'", token)
            raise ParseError(f"expected '{closing}', found '{token.text}'", token)
        self.take()
        if len(items) > 1:
            return Sequence(open_token, items, opening)
        return Group(open_token, items[0], opening)

    def _command(self, token: Token) -> Node:
        name = token.text
        if name in ("\\frac", "\\dfrac", "\\tfrac", "\\cfrac"):
            return self._fraction()
        if name == "\\sqrt":
            return self._root()
        if name == "\\begin":
            return self._environment()
        if name == "\\nabla":
            return self._gradient()
        if name in ELLIPSES:
            self.take()
            return Ellipsis_(token, ELLIPSES[name])
        if name in ("\\sum", "\\prod"):
            return self._big_operator(name[1:])
        if name == "\\lim":
            return self._limit()
        if name in COMMAND_FUNCTIONS:
            self.take()
            if name == "\\operatorname":
                text, _ = self._script_text()
                canonical = BARE_FUNCTIONS.get(text, text)
                if canonical in BARE_FUNCTIONS.values():
                    return self._apply_known(token, canonical)
                raise ParseError(f"the function '{text}' is not supported", token)
            return self._apply_known(token, COMMAND_FUNCTIONS[name])
        if name in ACCENTS:
            return self._accented()
        if name in ("\\text", "\\textrm", "\\mbox", "\\textit", "\\textbf"):
            self.take()
            text, _ = self._script_text()
            return Text(token, text)
        if name in ("\\partial",):
            self.take()
            following = self.peek(skip_spaces=False)
            if following is not None and following.is_symbol("_"):
                return self._operator_d(token, partial=True)
            raise ParseError("'\\partial' outside a derivative quotient", token)
        if name in ("\\|", "\\lVert", "\\Vert"):
            return self._norm(token)
        if name in ("\\underbrace", "\\overbrace", "\\underset", "\\overset") and name.endswith("brace"):
            self.take()
            body = self.sub_parse(self._group_tokens("argument"), token, "argument")
            following = self.peek(skip_spaces=False)
            if following is not None and following.is_symbol("_", "^"):
                # The label under or over the brace is prose.
                self.position += 1
                self._script_tokens()
            return Group(token, body, "{")
        if name in ("\\infty",):
            self.take()
            return Name(token, "\\infty")
        if name in SYMBOL_COMMANDS:
            self.take()
            return self._maybe_apply(Name(token, name))
        raise ParseError(f"the command '{name}' is not supported", token)

    def _norm(self, token: Token) -> Node:
        """``\\|x\\|``, ``\\|x\\|_2``, ``\\|X\\|_F``: a vector or matrix norm."""
        opening = self.take()
        closing = {"\\|": ("\\|",), "\\lVert": ("\\rVert",), "\\Vert": ("\\Vert",)}[opening.text]
        depth = 0
        collected: list[Token] = []
        while True:
            current = self.peek(skip_spaces=False)
            if current is None:
                raise ParseError(f"'{opening.text}' has no closing '{closing[0]}'", opening)
            self.position += 1
            if current.is_symbol("{", "(", "["):
                depth += 1
            elif current.is_symbol("}", ")", "]"):
                depth -= 1
            elif depth == 0 and current.kind == "command" and current.text in closing:
                break
            collected.append(current)
        body = self.sub_parse(collected, opening, "norm")
        order = "2"
        following = self.peek(skip_spaces=False)
        if following is not None and following.is_symbol("_"):
            self.position += 1
            text, _ = self._script_text()
            order = text.replace("\\textrm", "").replace("\\text", "").replace("\\mathrm", "").strip("{} ")
        return Apply(token, Name(token, "norm"), [body, Number(token, "0")], known=True) if order == "0" else Apply(token, Name(token, "norm"), [body, Text(token, order)], known=True)

    def _accented(self) -> Node:
        token = self.take()
        accent = ACCENTS[token.text]
        inner = self.peek(skip_spaces=False)
        if inner is not None and inner.kind == "space":
            inner = self.peek()
        if inner is None:
            raise ParseError(f"'{token.text}' has no argument", token)
        if inner.is_symbol("{"):
            tokens = self._braced_tokens()
            letters = [t for t in tokens if t.kind != "space"]
            if accent in ("mathbb", "mathcal") or (len(letters) == 1 and letters[0].kind in ("letter", "command", "number")):
                base = letters[0].text if len(letters) == 1 else _plain_text(letters)
                if accent == "mathbb" or accent == "mathcal":
                    base = f"\\{accent}{{{base}}}"
                    accent = ""
                return self._maybe_apply(Name(token, base, accent=accent))
            if accent == "" and all(t.kind == "letter" for t in letters):
                word = "".join(t.text for t in letters)
                if word in BARE_FUNCTIONS:
                    return self._apply_known(token, BARE_FUNCTIONS[word])
                return self._maybe_apply(Name(token, word))
            if len(letters) >= 1 and letters[0].kind == "letter" and all(t.kind in ("letter", "number", "symbol") for t in letters):
                # \hat{y}_i written as \hat{y_i}: keep the subscript on the name.
                sub = Parser(letters, self.function_names, self.layer_names)
                node = sub.factor()
                if isinstance(node, Name) and sub.at_end():
                    node.accent = accent
                    return self._maybe_apply(node)
            raise ParseError(f"cannot read the argument of '{token.text}'", token)
        self.take()
        if inner.kind in ("letter", "command", "number"):
            base = inner.text
            if inner.kind == "number" and accent == "vec" and base == "1":
                return Name(token, "1", accent="vec")
            return self._maybe_apply(Name(token, base, accent=accent))
        raise ParseError(f"cannot read the argument of '{token.text}'", token)

    def _root(self) -> Node:
        token = self.take()
        degree: Node | None = None
        following = self.peek()
        if following is not None and following.is_symbol("["):
            self.take()
            degree = self.expression()
            self.expect_symbol("]", "to close the root's degree")
            following = self.peek()
        if following is not None and (following.kind in ("letter", "command") or (following.kind == "number" and len(following.text) == 1)):
            # \sqrt x and \sqrt 2: one token is the radicand, as in TeX.
            return Root(token, self.atom(), degree)
        if following is None or not following.is_symbol("{"):
            found = "the end of the formula" if following is None else f"'{following.text}'"
            raise ParseError(f"'\\sqrt' needs a braced argument, found {found}", following or token)
        self.take()
        radicand = self.expression()
        self.expect_symbol("}", "to close '\\sqrt'")
        return Root(token, radicand, degree)

    def _group_tokens(self, what: str) -> list[Token]:
        token = self.peek()
        if token is None or not token.is_symbol("{"):
            found = "the end of the formula" if token is None else f"'{token.text}'"
            raise ParseError(f"expected '{{' to open the {what}, found {found}", token or self._last_token())
        return self._braced_tokens()

    def _fraction(self) -> Node:
        token = self.take()
        following = self.peek()
        if following is not None and following.kind == "number" and len(following.text) > 1 and following.text.isdigit():
            # \frac12 takes the digits one at a time: 1 over 2, and any further digits follow.
            index = self.tokens.index(following, self.position)
            digits = [Token("number", char, following.line, following.column + offset) for offset, char in enumerate(following.text[:2])]
            rest = [Token("number", following.text[2:], following.line, following.column + 2)] if len(following.text) > 2 else []
            self.tokens = self.tokens[:index] + digits + rest + self.tokens[index + 1 :]
        if self.peek() is not None and self.peek().kind in ("number", "letter") and not self.peek().is_symbol("{"):  # type: ignore[union-attr]
            # \frac12: two single-character arguments.
            numerator_tokens = [self.take()]
            denominator_tokens = [self.take()]
        else:
            numerator_tokens = self._group_tokens("numerator")
            if self.peek() is not None and self.peek().kind in ("number", "letter"):  # type: ignore[union-attr]
                denominator_tokens = [self.take()]
            else:
                denominator_tokens = self._group_tokens("denominator")
        from .leibniz import read_leibniz

        derivative = read_leibniz(token, numerator_tokens, denominator_tokens, self)
        if derivative is not None:
            if derivative.of is None:
                if self.at_end() or self._at_term_stop():
                    raise ParseError("the derivative operator has nothing to act on", token)
                # d/dx 3x^2 acts on the whole product written after it, up to + or -.
                derivative.operand = self.juxtaposed()
            return derivative
        numerator = self.sub_parse(numerator_tokens, token, "numerator")
        denominator = self.sub_parse(denominator_tokens, token, "denominator")
        return Fraction(token, numerator, denominator)

    def sub_parse(self, tokens: list[Token], anchor: Token, what: str) -> Node:
        """Parse a nested token list, such as a fraction's numerator, with this parser's settings."""
        if not [t for t in tokens if t.kind != "space"]:
            raise ParseError(f"empty {what}", anchor)
        parser = Parser(tokens, self.function_names, self.layer_names)
        parsed = parser.parse()
        self.issues.extend(parsed.issues)
        return parsed.node

    def _gradient(self) -> Node:
        token = self.take()
        wrt: Node | None = None
        transposed = False
        while True:
            following = self.peek(skip_spaces=False)
            if following is not None and following.is_symbol("_"):
                self.position += 1
                script = self.peek(skip_spaces=False)
                if script is not None and script.is_symbol("{"):
                    wrt = self.sub_parse(self._braced_tokens(), token, "gradient subscript")
                else:
                    wrt = self.atom()
                continue
            if following is not None and following.is_symbol("^"):
                self.position += 1
                text, _ = self._script_text()
                if text.replace(" ", "") in TRANSPOSE_MARKS:
                    transposed = True
                    continue
                if text.replace(" ", "") == "2":
                    raise ParseError("'\\nabla^2' (the Laplacian) is not supported", token)
                raise ParseError(f"cannot read '\\nabla^{{{text}}}'", token)
            break
        if self.at_end() or self._at_term_stop():
            raise ParseError("'\\nabla' has nothing to act on", token)
        operand = self.juxtaposed()
        return Gradient(token, operand, wrt, transposed)

    def juxtaposed(self) -> Node:
        """Parse factors written side by side, up to an operator: what \\nabla_x x^T A x acts on."""

        def ends_operand(token: Token) -> bool:
            return token.is_command("\\nabla", "\\frac", "\\dfrac", "\\partial") or (token.kind == "letter" and token.text in ("J", "D"))

        return self._factors_until(ends_operand)

    def _factors_until(self, stop: Callable[[Token], bool]) -> Node:
        """Parse factors written side by side until an operator, the end of the term, or ``stop``."""
        start = self.peek()
        assert start is not None
        factors: list[tuple[str, Node]] = [("", self.factor())]
        while not self._at_term_stop():
            token = self.peek()
            if token is None or (token.kind in ("symbol", "command") and token.text in PRODUCT_OPERATORS):
                break
            if stop(token):
                break
            factors.append(("", self.factor()))
        return factors[0][1] if len(factors) == 1 else Product(start, factors)

    def _environment(self) -> Node:
        token = self.take()
        name_tokens = self._group_tokens("environment name")
        name = "".join(t.text for t in name_tokens)
        if name not in MATRIX_ENVIRONMENTS:
            raise ParseError(f"the environment '{name}' is not supported here", token)
        if name == "array":
            # Skip the column specification.
            self._group_tokens("array column specification")
        rows: list[list[list[Token]]] = [[[]]]
        depth = 0
        while True:
            current = self.peek(skip_spaces=False)
            if current is None:
                raise ParseError(f"'\\begin{{{name}}}' has no matching '\\end{{{name}}}'", token)
            self.position += 1
            if current.is_command("\\begin"):
                depth += 1
            elif current.is_command("\\end"):
                if depth == 0:
                    end_name = "".join(t.text for t in self._group_tokens("environment name"))
                    if end_name != name:
                        raise ParseError(f"'\\begin{{{name}}}' is closed by '\\end{{{end_name}}}'", current)
                    break
                depth -= 1
            if depth == 0 and current.is_symbol("&"):
                rows[-1].append([])
                continue
            if depth == 0 and current.is_command("\\\\"):
                rows.append([[]])
                continue
            rows[-1][-1].append(current)
        cells: list[list[Node]] = []
        for row in rows:
            if all(not [t for t in cell if t.kind != "space"] for cell in row):
                continue  # empty rows: "\\ \\" separators
            parsed_row = []
            for cell in row:
                if not [t for t in cell if t.kind != "space"]:
                    raise ParseError("empty matrix entry", cell[0] if cell else token)
                parsed_row.append(self.sub_parse(cell, token, "matrix entry"))
            cells.append(parsed_row)
        if not cells:
            raise ParseError(f"empty '{name}'", token)
        width = len(cells[0])
        for row_cells in cells:
            if len(row_cells) != width:
                raise ParseError(f"the rows of the matrix have different lengths ({width} and {len(row_cells)})", row_cells[0].start)
        if name == "cases":
            raise ParseError("'cases' (a piecewise definition) is not supported yet", token)
        return Matrix_(token, cells, name)

    def _big_operator(self, operator: str) -> Node:
        token = self.take()
        variable, lower, upper = "", None, None
        for _ in range(2):
            following = self.peek(skip_spaces=False)
            if following is not None and following.is_symbol("_"):
                self.position += 1
                tokens = self._script_tokens()
                variable, lower = self._bound(tokens, token)
            elif following is not None and following.is_symbol("^"):
                self.position += 1
                upper = self.sub_parse(self._script_tokens(), token, "upper bound")
        if self.at_end() or self._at_term_stop():
            raise ParseError(f"'\\{operator}' has nothing to sum", token)
        body = self.term()
        return BigOperator(token, operator, variable, lower, upper, body)

    def _script_tokens(self) -> list[Token]:
        following = self.peek(skip_spaces=False)
        if following is None:
            raise ParseError("a script marker has nothing after it", self._last_token())
        if following.is_symbol("{"):
            return self._braced_tokens()
        self.position += 1
        return [following]

    def _bound(self, tokens: list[Token], anchor: Token) -> tuple[str, Node | None]:
        significant = [t for t in tokens if t.kind != "space"]
        equals = [i for i, t in enumerate(significant) if t.is_symbol("=")]
        if not equals:
            text = "".join(t.text for t in significant)
            return text, None
        left = significant[: equals[0]]
        variable = "".join(t.text for t in left)
        lower = self.sub_parse(significant[equals[0] + 1 :], anchor, "lower bound")
        return variable, lower

    def _limit(self) -> Node:
        token = self.take()
        following = self.peek(skip_spaces=False)
        if following is None or not following.is_symbol("_"):
            raise ParseError("'\\lim' needs a subscript such as '_{h \\to 0}'", token)
        self.position += 1
        tokens = [t for t in self._script_tokens() if t.kind != "space"]
        arrows = [i for i, t in enumerate(tokens) if t.is_command("\\to", "\\rightarrow", "\\longrightarrow")]
        if not arrows:
            raise ParseError("'\\lim' needs 'variable \\to value' in its subscript", token)
        variable = "".join(t.text for t in tokens[: arrows[0]])
        approach = self.sub_parse(tokens[arrows[0] + 1 :], token, "limit point")
        if self.at_end() or self._at_term_stop():
            raise ParseError("'\\lim' has nothing to take the limit of", token)
        body = self.term()
        return BigOperator(token, "lim", variable, None, None, body, approach)


INVERSE_FUNCTIONS = {"sin": "asin", "cos": "acos", "tan": "atan", "sinh": "asinh", "cosh": "acosh", "tanh": "atanh"}


def _is_minus_one(node: Node) -> bool:
    return isinstance(node, Sum_) and len(node.terms) == 1 and node.terms[0][0] == -1 and isinstance(node.terms[0][1], Number) and node.terms[0][1].text == "1"


def _plain_text(tokens: list[Token]) -> str:
    parts = []
    for index, token in enumerate(tokens):
        if token.kind == "space":
            continue
        parts.append(token.text)
        if token.kind == "command" and token.text[1:].isalpha() and index + 1 < len(tokens) and tokens[index + 1].kind == "letter":
            parts.append(" ")
    return "".join(parts)


def parse_side(tokens: list[Token], function_names: set[str] | None = None, layer_names: set[str] | None = None) -> Parsed:
    """Parse the tokens of one side of a claim into a notation tree."""
    return Parser(tokens, function_names, layer_names).parse()
