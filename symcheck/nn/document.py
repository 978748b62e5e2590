"""Read the network a Markdown document describes, check its formulas and cross-check it numerically.

The document is read with symcheck's own pipeline: the reader, the claims, the notation trees
and a Scope kept as ``symcheck.checking.checker`` keeps it. From the formulas this module
recognises:

* the layer formula: ``a^l`` or ``z^l`` written with a product of a weight matrix ``W^l`` and a
  vector of layer l - 1. A vector left of the matrix (``a^{l-1} W^l``) is the row convention,
  a vector right of it (``W^l a^{l-1}``) the column convention.
* the activation: the function that an ``a^l`` formula applies, read with the Interpreter and
  compared at sample points with relu, sigmoid, tanh and identity.
* the shape of ``W^l`` from a written-out matrix of entries ``w_{jk}^l``. As in
  ``symcheck.semantics.shapes``, j (the rows) indexes the neurons of layer l and k (the
  columns) those of layer l - 1.
* the cost: a sum of squared differences scaled by 1/(2m) is the mean squared error.
* gradient formulas: ``dC/dW^l``, ``dC/db^l``, ``dC/da^l``, ``dC/dz^l`` (also written with
  ``\\nabla``) and ``\\delta^l``, for whole arrays or entry by entry (``dC/dw^l_{jk}``).

``crosscheck_document`` reports contradictions between these formulas as findings, builds the
network in the document's convention, runs ``crosscheck_network`` on it and evaluates every
layer and gradient formula of the document on that network.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy

from symcheck.document.blocks import Directive, FormulaBlock
from symcheck.document.claims import Claim, claims_from_blocks
from symcheck.document.directives import DirectiveError, parse_directive
from symcheck.document.reader import read_file
from symcheck.notation.ast import (
    Apply, BigOperator, Derivative, Gradient, Group, Name, Node, Number, Power, Product, Sum_, Transpose,
)
from symcheck.notation.parser import ParseError, parse_side
from symcheck.notation.tokens import render
from symcheck.nn.activations import ACTIVATIONS
from symcheck.nn.conventions import Convention, batch_shape
from symcheck.nn.crosscheck import CrosscheckResult, crosscheck_network
from symcheck.nn.gradcheck import SETTINGS, relative_error
from symcheck.nn.network import NetworkSpec
from symcheck.semantics.context import Definition, Scope, Shape
from symcheck.semantics.interpret import Interpreter
from symcheck.semantics.patterns import names_in
from symcheck.semantics.reading import ClaimReading, read_claim
from symcheck.semantics.shapes import layer_shapes, shape_from_matrix
from symcheck.semantics.values import InterpretError, Value, is_matrix

# Layer widths from the input to the output. Distinct widths make a missing transpose a shape error.
DEFAULT_SIZES: tuple[int, ...] = (3, 4, 2)
COST_NAMES = ("C",)
# Names with a layer superscript that contain one vector of that layer. "x^l" is the input of layer l.
VECTOR_BASES = ("a", "z", "b", "x")
FORWARD_BASES = ("a", "z")
ERROR_BASE = "\\delta"
# A plain m in a formula is the number of examples, which is 1 where formulas are evaluated.
EXAMPLE_COUNT = "m"
# Points at which a document's activation is compared with the registered ones. None of them is
# 0, where ReLU has its kink.
SAMPLE_POINTS = (-2.5, -1.0, -0.3, 0.4, 1.2, 3.0)
# Formula values are compared with backpropagation with the float64 tolerances of gradcheck.
TOLERANCES = SETTINGS[np.dtype(np.float64)]

AGREES = "agrees"
DISAGREES = "disagrees"
NOT_EVALUATED = "not evaluated"


@dataclass
class Finding:
    """A contradiction between formulas of the document, located where it shows."""

    line: int
    column: int
    code: str  # "weight-shape", "cost-bounds", "cost-index", ...
    message: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class FormulaCheck:
    """A layer or gradient formula of the document, evaluated on the network built from it."""

    line: int
    column: int
    latex: str
    quantity: str  # what the left side denotes, e.g. "a^{l}", "dC/dW^{l}" or "\\delta^{L}"
    status: str  # AGREES, DISAGREES or NOT_EVALUATED
    # The values of a generic layer l that were evaluated, or the left side's layers when the
    # formula names none, as in delta^L = ...
    layers: list[int] = field(default_factory=list)
    generic: bool = False  # ``layers`` are values of l
    max_rel_error: float | None = None
    message: str = ""  # why the formula disagrees or was not evaluated

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def describe(self, path: str) -> str:
        """Return one line such as ``doc.md:470: a^{l}: agrees at l = 1, 2 (max rel error 0)``."""
        text = f"{path}:{self.line}: {self.quantity}: {self.status}"
        if self.layers:
            numbers = ", ".join(str(layer) for layer in self.layers)
            if self.generic:
                text += f" at l = {numbers}"
            else:
                text += f" at layer{'s' if len(self.layers) > 1 else ''} {numbers}"
        if self.max_rel_error is not None:
            text += f" (max rel error {self.max_rel_error:.3g})"
        if self.message:
            text += f": {self.message}"
        return text


@dataclass
class DocumentCrosscheck:
    """What ``crosscheck_document`` read from a document, what it found and how the network checked.

    Locations are ``path:line``. ``spec`` and ``result`` are None when the document does not
    describe a network that symcheck.nn can build. ``crosscheck_error`` is the error that
    ``crosscheck_network`` raised, empty when it raised none.
    """

    path: str
    activation: str | None
    activation_location: str | None
    convention: Convention | None
    layer_location: str | None
    weight_shape: Shape | None  # the shape of W^l written in the document, rows x columns
    cost: str | None
    findings: list[Finding]
    spec: NetworkSpec | None
    result: CrosscheckResult | None
    layer_formulas: list[FormulaCheck] = field(default_factory=list)
    gradient_formulas: list[FormulaCheck] = field(default_factory=list)
    activation_latex: str = ""
    layer_latex: str = ""
    convention_reason: str = ""  # e.g. "a^{l-1} left of W^{l}"
    weight_name: str = ""  # the key of the weight matrix in the layer formula, e.g. "W^{l}"
    weight_shape_location: str | None = None
    required_weight_shape: Shape | None = None  # the shape the layer formula's convention needs
    cost_latex: str = ""
    cost_location: str | None = None
    crosscheck_error: str = ""
    sizes_chosen: bool = True  # symcheck chose the layer widths, the caller did not give them
    weight_transposed: bool = False  # the layer formula multiplies by (W^l)^T

    @property
    def formulas_agree(self) -> bool:
        """Whether no evaluated layer or gradient formula disagrees with the network."""
        return all(check.status != DISAGREES for check in self.layer_formulas + self.gradient_formulas)

    @property
    def ok(self) -> bool:
        """Whether the formulas are consistent, the cross-check passed and every evaluated formula agrees."""
        checked = self.result is not None and self.result.ok and not self.crosscheck_error
        return checked and not self.findings and self.formulas_agree

    @property
    def summary(self) -> str:
        """A readable report: what was recognised, the findings, the network and the checks."""
        return "\n".join(_summary_lines(self))

    def __str__(self) -> str:
        return self.summary

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "ok": self.ok,
            "activation": {"name": self.activation, "location": self.activation_location, "latex": self.activation_latex},
            "layer_formula": {
                "location": self.layer_location,
                "latex": self.layer_latex,
                "convention": self.convention,
                "convention_reason": self.convention_reason,
                "weight_transposed": self.weight_transposed,
            },
            "weights": {
                "name": self.weight_name,
                "written_shape": str(self.weight_shape) if self.weight_shape is not None else None,
                "location": self.weight_shape_location,
                "required_shape": str(self.required_weight_shape) if self.required_weight_shape is not None else None,
            },
            "cost": {"name": self.cost, "location": self.cost_location, "latex": self.cost_latex},
            "findings": [finding.to_dict() for finding in self.findings],
            "network": dataclasses.asdict(self.spec) if self.spec is not None else None,
            "sizes_chosen": self.sizes_chosen,
            "crosscheck": self.result.to_dict() if self.result is not None else None,
            "crosscheck_error": self.crosscheck_error or None,
            "layer_formulas": [check.to_dict() for check in self.layer_formulas],
            "gradient_formulas": [check.to_dict() for check in self.gradient_formulas],
        }


def crosscheck_document(
    path: str,
    *,
    sizes: Sequence[int] | None = None,
    seed: int = 0,
    points: int = 2,
    batch_size: int = 2,
) -> DocumentCrosscheck:
    """Read the network the Markdown file at ``path`` describes, check its formulas and cross-check it.

    ``sizes`` are the layer widths of the network built, DEFAULT_SIZES when None, because
    documents give widths as symbols. ``seed``, ``points`` and ``batch_size`` go to
    ``crosscheck_network``. The layer and gradient formulas are evaluated for one example,
    drawn with ``seed``. Raises OSError when the file cannot be read, and ValueError for
    ``sizes`` with fewer than two widths or a width below 1.
    """
    if sizes is not None and (len(sizes) < 2 or any(int(size) < 1 for size in sizes)):
        raise ValueError(f"sizes must list at least an input and an output width, each at least 1, got {tuple(sizes)}")
    formulas = read_formulas(path)
    layer = _read_layer(formulas)
    activation = _read_activation(formulas, layer.form)
    cost = _read_cost(formulas)
    findings = layer.findings + activation.findings + cost.findings
    report = DocumentCrosscheck(
        path=path,
        activation=activation.name,
        activation_location=f"{path}:{activation.line}" if activation.line else None,
        convention=layer.form.convention if layer.form else None,
        layer_location=f"{path}:{layer.form.formula.claim.line}" if layer.form else None,
        weight_shape=layer.written.shape if layer.written else None,
        cost=cost.name,
        findings=sorted(findings, key=lambda finding: (finding.line, finding.column)),
        spec=None,
        result=None,
        activation_latex=activation.latex,
        layer_latex=_flat(layer.form.formula.claim.latex) if layer.form else "",
        convention_reason=layer.form.reason if layer.form else "",
        weight_name=layer.form.weight.key() if layer.form else "",
        weight_shape_location=f"{path}:{layer.written.line}" if layer.written else None,
        required_weight_shape=layer.required,
        weight_transposed=layer.form.weight_transposed if layer.form else False,
        cost_latex=cost.latex,
        cost_location=f"{path}:{cost.line}" if cost.line else None,
    )
    if layer.form is None or activation.name is None:
        reason = "the document does not describe a network that symcheck.nn can build"
        report.layer_formulas = [_not_evaluated(formula, reason) for formula in formulas.forward]
        report.gradient_formulas = [_not_evaluated(formula, reason) for formula in formulas.gradients]
        return report

    widths = tuple(sizes or DEFAULT_SIZES)
    spec = NetworkSpec(widths, (activation.name,) * (len(widths) - 1), layer.form.convention, "mse")
    report.spec = spec
    report.sizes_chosen = sizes is None
    try:
        report.result = crosscheck_network(spec, seed=seed, points=points, batch_size=batch_size)
    except (TypeError, ValueError, ArithmeticError) as error:
        report.crosscheck_error = f"crosscheck_network raised {type(error).__name__}: {error}"

    values = network_values(spec, seed, layer.form.weight_transposed)
    evaluator = _FormulaEvaluator(values, activation.definition)
    report.layer_formulas = [evaluator.check(formula) for formula in formulas.forward]
    report.gradient_formulas = [evaluator.check(formula) for formula in formulas.gradients]
    return report


# -- reading the document -------------------------------------------------------------


@dataclass
class _Formula:
    """A claim the network reading uses, with the scope after its definitions."""

    claim: Claim
    reading: ClaimReading
    scope: Scope

    def side(self, index: int) -> Node | None:
        parsed = self.reading.sides[index].parsed
        return parsed.node if parsed is not None else None

    @property
    def right_sides(self) -> list[tuple[int, Node]]:
        """The parsed sides after the first, with their positions in the chain."""
        sides = []
        for index in range(1, len(self.reading.sides)):
            node = self.side(index)
            if node is not None:
                sides.append((index, node))
        return sides


@dataclass
class _WrittenShape:
    """The shape a written-out matrix gives to a matrix name, and where the matrix is."""

    key: str  # e.g. "W^{l}"
    shape: Shape
    line: int
    column: int


@dataclass
class DocumentFormulas:
    """The formulas of a document that describe a network, in document order."""

    path: str
    functions: list[tuple[Definition, Claim]] = field(default_factory=list)  # one-argument function definitions
    forward: list[_Formula] = field(default_factory=list)  # a^l or z^l computed from other quantities
    gradients: list[_Formula] = field(default_factory=list)  # dC/d..., \nabla C or \delta^l on the left
    costs: list[_Formula] = field(default_factory=list)  # C on the left
    shapes: list[_WrittenShape] = field(default_factory=list)


def read_formulas(path: str) -> DocumentFormulas:
    """Read the Markdown file at ``path`` and collect the formulas that describe a network.

    The Scope follows ``symcheck.checking.checker``: definitions are added in document order
    and dropped at the end of their section, directives add shapes and assumptions, and a
    written-out matrix gives the shape of its matrix name. One difference: a definition made
    in prose lasts for its section here, while the checker keeps some only for a paragraph.
    """
    items = read_file(path)
    blocks = [item for item in items if isinstance(item, FormulaBlock)]
    directives = sorted((item for item in items if isinstance(item, Directive)), key=lambda item: (item.line, item.column))
    formulas = DocumentFormulas(path)
    scope = Scope()
    section_id = 0
    next_directive = 0
    for claim in claims_from_blocks(blocks):
        while next_directive < len(directives) and directives[next_directive].line <= claim.line:
            _apply_directive(directives[next_directive], scope)
            next_directive += 1
        if claim.section_id != section_id:
            scope.leave_section(claim.section_id, claim.section_level)
            section_id = claim.section_id
        if claim.problem:
            continue
        scope.enter_claim(claim.kind == "inline", claim.paragraph)
        if claim.expression:
            _record_shape(claim, scope, formulas)
            continue
        reading = read_claim(claim, scope)
        for definition in reading.definitions:
            definition.section_level = claim.section_level
            definition.row_names = set(reading.row_names)
            scope.local.pop(definition.name, None)
            scope.definitions[definition.name] = definition
            if len(definition.parameters) == 1:
                formulas.functions.append((definition, claim))
        for side in reading.sides:
            if side.parsed is not None:
                scope.used |= {name.key() for name in names_in(side.parsed.node)}
        _classify(_Formula(claim, reading, scope.copy()), formulas)
    return formulas


def _apply_directive(directive: Directive, scope: Scope) -> None:
    try:
        parsed = parse_directive(directive.text)
    except DirectiveError:
        return  # ``symcheck verify`` reports invalid directives, so a cross-check uses only valid ones
    scope.shapes.update(parsed.shapes)
    for name, assumptions in parsed.assumptions.items():
        scope.assumptions.setdefault(name, {}).update(assumptions)


def _record_shape(claim: Claim, scope: Scope, formulas: DocumentFormulas) -> None:
    """Record the shape a displayed matrix without '=' gives, as the checker does."""
    try:
        node = parse_side(claim.sides[0].tokens, scope.function_names()).node
    except (ParseError, RecursionError):
        return
    given_shape = shape_from_matrix(node)
    if given_shape is None or given_shape.name in scope.shapes:
        return
    scope.shapes[given_shape.name] = given_shape.shape
    for key, shape in layer_shapes(scope).items():
        scope.shapes.setdefault(key, shape)
    formulas.shapes.append(_WrittenShape(given_shape.name, given_shape.shape, claim.line, claim.column))


def _classify(formula: _Formula, formulas: DocumentFormulas) -> None:
    first = formula.side(0)
    if first is None or len(formula.reading.sides) < 2:
        return
    if _is_cost_name(first):
        formulas.costs.append(formula)
    elif _gradient_quantity(first) is not None:
        formulas.gradients.append(formula)
    elif isinstance(first, Name) and first.base in FORWARD_BASES and first.layer and not first.subscript:
        if any(_computes_layer(node) for _, node in formula.right_sides):
            formulas.forward.append(formula)


def _is_cost_name(node: Node) -> bool:
    if isinstance(node, Apply) and not node.known:
        node = node.function
    return isinstance(node, Name) and node.base in COST_NAMES and not node.subscript and not node.layer


def _computes_layer(node: Node) -> bool:
    """Whether a side computes a layer quantity: it applies a function or uses a weight matrix or z^l."""
    for item in _walk(node):
        if isinstance(item, Apply):
            return True
        if isinstance(item, Name) and item.layer and (_is_weight_base(item.base) or item.base == "z"):
            return True
    return False


# -- the layer formula and the convention -------------------------------------------------


@dataclass
class _LayerForm:
    """A product of a weight matrix and a layer vector in a layer formula."""

    formula: _Formula
    side: int  # position in the claim's chain of the side that contains the product
    convention: Convention
    weight: Name
    vector: Name
    weight_transposed: bool  # the formula multiplies by (W^l)^T
    product: Node

    @property
    def text(self) -> str:
        """The left side and the side that contains the product, e.g. ``a^l = \\sigma(a^{l-1}W^l + b^l)``."""
        sides = self.formula.claim.sides
        return _flat(f"{sides[0].latex} = {sides[self.side].latex}")

    @property
    def reason(self) -> str:
        side = "left" if self.convention == "row" else "right"
        weight = f"({self.weight.key()})^T" if self.weight_transposed else self.weight.key()
        return f"{self.vector.key()} {side} of {weight}"


@dataclass
class _LayerReading:
    form: _LayerForm | None
    written: _WrittenShape | None = None
    required: Shape | None = None
    findings: list[Finding] = field(default_factory=list)


def _read_layer(formulas: DocumentFormulas) -> _LayerReading:
    forms = [form for formula in formulas.forward for form in _layer_forms(formula)]
    if not forms:
        message = (
            "the document states no layer formula: no a^{l} or z^{l} is written with a product of a "
            "weight matrix W^{l} and a vector of layer l-1"
        )
        return _LayerReading(None, findings=[Finding(1, 1, "missing-layer-formula", message)])
    primary = forms[0]
    reading = _LayerReading(primary)
    for form in forms[1:]:
        if form.convention != primary.convention:
            reading.findings.append(Finding(
                form.product.start.line, form.product.start.column, "mixed-conventions",
                f"this layer formula uses the {form.convention} convention ({form.reason}), but the one at "
                f"line {primary.formula.claim.line} uses the {primary.convention} convention ({primary.reason})",
            ))
    _check_weight_shape(primary, formulas.shapes, reading)
    return reading


def _layer_forms(formula: _Formula) -> Iterator[_LayerForm]:
    """Yield every product of a weight matrix and a layer vector on the right sides of ``formula``."""
    for index, side in formula.right_sides:
        for item in _walk(side):
            if not isinstance(item, Product):
                continue
            for (_, left), (operator, right) in zip(item.factors, item.factors[1:]):
                if operator not in ("", "cdot"):
                    continue
                left_matrix, right_matrix = _weight_factor(left), _weight_factor(right)
                left_vector, right_vector = _vector_factor(left), _vector_factor(right)
                if left_vector is not None and right_matrix is not None:
                    yield _LayerForm(formula, index, "row", right_matrix[0], left_vector, right_matrix[1], item)
                elif left_matrix is not None and right_vector is not None:
                    yield _LayerForm(formula, index, "column", left_matrix[0], right_vector, left_matrix[1], item)


def _weight_factor(node: Node) -> tuple[Name, bool] | None:
    """Return the weight matrix a factor is (W^l or (W^l)^T) and whether it is transposed, else None."""
    node = _ungroup(node)
    transposed = False
    if isinstance(node, Transpose):
        transposed = True
        node = _ungroup(node.operand)
    if isinstance(node, Name) and node.base == "W" and node.layer:
        return node, transposed
    return None


def _vector_factor(node: Node) -> Name | None:
    node = _ungroup(node)
    if isinstance(node, Transpose):
        node = _ungroup(node.operand)
    if isinstance(node, Name) and node.layer and not node.subscript and node.base.isalpha() and node.base.islower():
        return node
    return None


def _is_weight_base(base: str) -> bool:
    return base in ("W", "w")


def _check_weight_shape(form: _LayerForm, shapes: list[_WrittenShape], reading: _LayerReading) -> None:
    """Compare the shape of W^l written in the document with the shape the layer formula needs.

    In a written matrix of entries w_{jk}^l the rows (j) are the neurons of layer l and the
    columns (k) those of layer l - 1. W^l a^{l-1} needs W^l to be outputs x inputs, that is
    rows of layer l, and a^{l-1} W^l needs inputs x outputs. A transposed W^l swaps them.
    """
    key = Name(form.weight.start, form.weight.base, "", form.weight.layer).key()
    line = form.formula.claim.line
    candidates = [shape for shape in shapes if shape.key == key]
    if not candidates:
        return
    before = [shape for shape in candidates if shape.line <= line]
    written = before[-1] if before else candidates[0]
    reading.written = written
    outputs, inputs = written.shape.rows, written.shape.columns
    wants_outputs_first = (form.convention == "column") != form.weight_transposed
    required = Shape(outputs, inputs) if wants_outputs_first else Shape(inputs, outputs)
    reading.required = required
    if written.shape.rows == written.shape.columns or (required.rows, required.columns) == (outputs, inputs):
        return
    layout = "outputs x inputs" if wants_outputs_first else "inputs x outputs"
    message = (
        f"the layer formula {form.text} uses the {form.convention} convention "
        f"({form.reason}), so {form.weight.key()} must be {required} ({layout}), but the matrix written at line "
        f"{written.line} is {written.shape} (its rows are the neurons of layer {form.weight.layer})"
    )
    reading.findings.append(Finding(form.product.start.line, form.product.start.column, "weight-shape", message))


# -- the activation ----------------------------------------------------------------------


@dataclass
class _ActivationReading:
    name: str | None
    definition: Definition | None = None  # the document's definition, None for a standard function
    line: int = 0
    latex: str = ""
    findings: list[Finding] = field(default_factory=list)


_PRE_ACTIVATION = "<pre-activation>"  # a marker name no LaTeX source can produce


def _read_activation(formulas: DocumentFormulas, form: _LayerForm | None) -> _ActivationReading:
    """Recognise the function an a^l formula applies to its pre-activation.

    The function's definition is the last one before the formula, else the first after it,
    even when the section rules of the Scope have dropped it: a text defines sigma once and
    uses it in later sections.
    """
    application = _activation_application(formulas, form)
    if application is None:
        return _activation_from_sigma(formulas)
    formula, apply_node, argument = application
    scope = formula.scope.copy()
    definition = None
    if not apply_node.known:
        key = apply_node.function.key()
        definition = _function_definition(formulas, key, formula.claim.line)
        if definition is None:
            message = f"the layer formula applies {key}, but the document does not define it"
            location = apply_node.start
            return _ActivationReading(None, findings=[Finding(location.line, location.column, "missing-activation", message)])
        scope.definitions[key] = definition

    variable = sympy.Symbol("t", real=True)
    marker = Name(argument.start, _PRE_ACTIVATION)
    rewritten = _rewrite(apply_node, lambda node: marker if node is argument else None)
    try:
        expression = Interpreter(scope, bindings={_PRE_ACTIVATION: variable}).value(rewritten)
    except (InterpretError, RecursionError, TypeError, ValueError) as error:
        expression = None
        reason = f"it cannot be read: {error}"
    else:
        reason = "it matches none of " + ", ".join(ACTIVATIONS) + " at sample points"
    name = _match_activation(expression, variable) if expression is not None else None
    line, latex = (definition.line, definition_latex(definition)) if definition else (formula.claim.line, _flat(formula.claim.latex))
    reading = _ActivationReading(name, definition, line, latex)
    if name is None:
        node = definition.body if definition is not None else apply_node
        message = f"the activation {latex} is not one that symcheck.nn provides: {reason}"
        reading.findings.append(Finding(node.start.line, node.start.column, "unknown-activation", message))
    return reading


def _activation_application(formulas: DocumentFormulas, form: _LayerForm | None) -> tuple[_Formula, Apply, Node] | None:
    """Return the first a^l formula that applies a function to a pre-activation, with the function and that argument."""
    candidates = [form.formula] if form is not None else []
    candidates += [formula for formula in formulas.forward if formula is not (form.formula if form else None)]
    for formula in candidates:
        first = formula.side(0)
        if not isinstance(first, Name) or first.base != "a":
            continue
        for _, side in formula.right_sides:
            side = _ungroup(side)
            if not isinstance(side, Apply):
                continue
            for argument in side.arguments:
                if _is_pre_activation(argument):
                    return formula, side, argument
    return None


def _is_pre_activation(node: Node) -> bool:
    for name in names_in(node):
        if name.layer and (_is_weight_base(name.base) or name.base == "z"):
            return True
    return False


def _activation_from_sigma(formulas: DocumentFormulas) -> _ActivationReading:
    """Without an a^l formula, recognise a definition of sigma on its own."""
    definition = _function_definition(formulas, "\\sigma", line=None)
    if definition is None:
        message = "the document defines no activation: no a^{l} formula applies a function and sigma is not defined"
        return _ActivationReading(None, findings=[Finding(1, 1, "missing-activation", message)])
    try:
        expression, (variable,) = Interpreter(Scope(definitions={definition.name: definition})).function_expression(definition)
    except (InterpretError, RecursionError, TypeError, ValueError):
        expression, variable = None, None
    name = _match_activation(expression, variable) if expression is not None else None
    reading = _ActivationReading(name, definition, definition.line, definition_latex(definition))
    if name is None:
        message = f"the activation {reading.latex} matches none of " + ", ".join(ACTIVATIONS) + " at sample points"
        reading.findings.append(Finding(definition.line, definition.body.start.column, "unknown-activation", message))
    return reading


def _function_definition(formulas: DocumentFormulas, key: str, line: int | None) -> Definition | None:
    found = [definition for definition, _ in formulas.functions if definition.name == key]
    if line is not None:
        before = [definition for definition in found if definition.line <= line]
        if before:
            return before[-1]
    return found[0] if found else None


def _match_activation(expression: Value, variable: sympy.Symbol) -> str | None:
    """Return the registered activation equal to ``expression``, a function of ``variable``, at SAMPLE_POINTS."""
    if is_matrix(expression):
        return None
    try:
        actual = np.array([float(expression.xreplace({variable: sympy.Float(point)}).evalf()) for point in SAMPLE_POINTS])
    except (TypeError, ValueError):
        return None  # free symbols or a complex value: not one of the activations
    points = np.array(SAMPLE_POINTS)
    for name, activation in ACTIVATIONS.items():
        if np.allclose(actual, activation.function(points), rtol=1e-12, atol=1e-12):
            return name
    return None


def definition_latex(definition: Definition) -> str:
    """Return ``name(parameters) = body`` of a definition as LaTeX, e.g. ``\\sigma(x) = max(0, x)``."""
    parameters = ", ".join(parameter.key() for parameter in definition.parameters)
    head = f"{definition.name}({parameters})" if parameters else definition.name
    return f"{head} = {_flat(definition.latex)}"


# -- the cost ----------------------------------------------------------------------------


@dataclass
class _CostReading:
    name: str | None
    line: int = 0
    latex: str = ""
    findings: list[Finding] = field(default_factory=list)


_SUM = "<sum>"  # a marker name for the sum, to read the factor in front of it


def _read_cost(formulas: DocumentFormulas) -> _CostReading:
    """Recognise the mean squared error: a sum of squared differences times 1/(2 * count).

    Findings: the sum has a different number of terms than the count it is divided by, the
    summation index does not occur in the summand, or the squared differences are not scaled
    by 1/2 as in symcheck.nn's mean squared error.
    """
    if not formulas.costs:
        message = "the document defines no cost C"
        return _CostReading(None, findings=[Finding(1, 1, "missing-cost", message)])
    formula = formulas.costs[0]
    reading = _CostReading(None, formula.claim.line, _flat(formula.claim.latex))
    sides = formula.right_sides
    if not sides:
        return reading
    side = sides[0][1]
    sums = [item for item in _walk(side) if isinstance(item, BigOperator) and item.operator == "sum"]
    target: Node | None = sums[0] if sums else next((item for item in _walk(side) if _is_square(item)), None)
    summand = target.body if isinstance(target, BigOperator) else target
    location = side.start
    if target is None or summand is None or not _is_squared_difference(summand):
        message = (
            "the cost is not a scaled sum of squared differences, and symcheck.nn provides only the mean "
            "squared error 1/(2m) sum ||y - a^L||^2"
        )
        reading.findings.append(Finding(location.line, location.column, "unsupported-cost", message))
        return reading

    reading.name = "mean squared error"
    scale = _scale_of(side, target)
    coefficient, count = _mean_parts(scale) if scale is not None else (None, None)
    if isinstance(target, BigOperator):
        reading.findings.extend(_sum_findings(formula, target, scale, count))
    if coefficient is not None and coefficient != sympy.Rational(1, 2):
        reading.name = f"squared error scaled by {_plain(scale)}"
        reading.findings.append(Finding(
            location.line, location.column, "unsupported-cost",
            f"the squared differences are scaled by {_plain(coefficient)} rather than 1/2, but symcheck.nn's "
            "mean squared error is 1/(2m) sum ||y - a^L||^2, so its gradients differ from this cost's by a constant factor",
        ))
    return reading


def _mean_parts(scale: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    """Split a scale into its number and the count it divides by: 1/(2m) -> (1/2, m), 1/2 -> (1/2, 1)."""
    coefficient, rest = sympy.factor(scale).as_coeff_Mul()
    return coefficient, sympy.simplify(1 / rest)


def _is_square(node: Node) -> bool:
    return isinstance(node, Power) and isinstance(node.exponent, Number) and node.exponent.text == "2"


def _is_squared_difference(node: Node) -> bool:
    """``(y - \\hat y)^2`` or ``||y - a^L||^2``: the square of a difference or of its norm."""
    if not _is_square(node):
        return False
    assert isinstance(node, Power)
    base = _ungroup(node.base)
    if isinstance(base, Apply) and base.known and base.function.base == "norm" and base.arguments:
        base = _ungroup(base.arguments[0])
    return isinstance(base, Sum_) and len(base.terms) == 2 and {sign for sign, _ in base.terms} == {1, -1}


def _scale_of(side: Node, target: Node) -> sympy.Expr | None:
    """Return the factor in front of ``target`` in ``side``, such as 1/(2m), read with the Interpreter."""
    marker_symbol = sympy.Symbol("S", real=True)
    rewritten = _rewrite(side, lambda node: Name(node.start, _SUM) if node is target else None)
    try:
        value = Interpreter(Scope(), bindings={_SUM: marker_symbol}).value(rewritten)
    except (InterpretError, RecursionError, TypeError, ValueError):
        return None
    if is_matrix(value):
        return None
    scale = sympy.simplify(value / marker_symbol)
    return None if scale.has(marker_symbol) or scale == 0 else scale


def _bounds(node: BigOperator) -> tuple[sympy.Expr, sympy.Expr] | None:
    """Return the lower and upper bound of a sum, read with the Interpreter, or None without both."""
    if node.lower is None or node.upper is None:
        return None
    interpreter = Interpreter(Scope())
    try:
        lower = interpreter.value(node.lower)
        upper = interpreter.value(node.upper)
    except (InterpretError, RecursionError, TypeError, ValueError):
        return None
    if is_matrix(lower) or is_matrix(upper):
        return None
    return lower, upper


def _sum_findings(formula: _Formula, node: BigOperator, scale: sympy.Expr | None, count: sympy.Expr | None) -> list[Finding]:
    """Compare the sum's number of terms with the count its scale divides by, and look for its index.

    A scale without a count, such as the 1/2 of 1/2 sum_j (y_j - a_j)^2, is not a mean, so the
    number of terms is free.
    """
    findings = []
    bounds = _bounds(node)
    if bounds is not None and scale is not None and count is not None and count != 1:
        lower, upper = bounds
        terms = sympy.expand(upper - lower + 1)
        if sympy.simplify(terms - count) != 0:
            findings.append(Finding(
                node.start.line, node.start.column, "cost-bounds",
                f"the cost sums from {node.variable} = {_plain(lower)} to {_plain(upper)}, which is "
                f"{_plain(terms)} terms, but divides by {_plain(sympy.simplify(1 / scale))}",
            ))
    if not _index_occurs(node.variable, node.body):
        findings.append(Finding(
            node.body.start.line, node.body.start.column, "cost-index",
            f"the summation index {node.variable} does not occur in the summand {render_side(formula, node.body)}, "
            "so every term of the sum is the same",
        ))
    return findings


def _index_occurs(index: str, node: Node) -> bool:
    """Return whether ``index`` is written in ``node`` as a name, a subscript or a superscript such as (i)."""
    for name in names_in(node):
        if name.base == index and not name.subscript and not name.layer:
            return True
        if index in _index_letters(name.subscript) or index in _index_letters(name.layer):
            return True
    return False


def _index_letters(text: str) -> set[str]:
    """Return the single-letter indices of a subscript or superscript, e.g. {"i", "j"} for "ij"."""
    letters: set[str] = set()
    word = ""
    for character in text + " ":
        if character.isalpha() or character == "\\":
            word += character
            continue
        if word and not word.startswith("\\"):
            letters.update(word)
        word = ""
    return letters


def _plain(value: sympy.Basic | None) -> str:
    """Return ``2*m`` as ``2m`` and ``m + 1`` as it is, for messages."""
    return "?" if value is None else sympy.sstr(value).replace("*", "")


# -- the network's values ----------------------------------------------------------------


@dataclass
class NetworkValues:
    """The values of a network for one example: forward pass, backpropagation and the data.

    Vectors are 1-D arrays keyed by (kind, layer): "a" (0..L), "x" (input of layer 1..L), "z",
    "b", "dC/dz" (delta), "dC/db" (1..L), "dC/da" (0..L) and ("y", 0) for the target. Matrices
    "W" and "dC/dW" are stored outputs x inputs, so entry [j-1, k-1] is w_{jk}.
    """

    convention: Convention
    weight_transposed: bool  # the document's W^l is the transpose of the network's stored W^l
    sizes: tuple[int, ...]
    vectors: dict[tuple[str, int], np.ndarray] = field(default_factory=dict)
    matrices: dict[tuple[str, int], np.ndarray] = field(default_factory=dict)

    @property
    def layer_count(self) -> int:
        return len(self.sizes) - 1

    def whole(self, kind: str, layer: int) -> np.ndarray | None:
        """Return a vector, or a matrix in the document's layout, or None when the layer has none."""
        if (kind, layer) in self.vectors:
            return self.vectors[(kind, layer)]
        matrix = self.matrices.get((kind, layer))
        if matrix is None:
            return None
        # The stored matrix is outputs x inputs, the column-convention layout of W^l.
        return matrix if (self.convention == "column") != self.weight_transposed else matrix.T

    def entry(self, kind: str, layer: int, indices: Sequence[int]) -> float | None:
        """Return entry ``indices`` (1-based, w_{jk} order for matrices), or None when it does not exist."""
        if (kind, layer) in self.vectors:
            vector = self.vectors[(kind, layer)]
            if len(indices) == 1 and 1 <= indices[0] <= vector.size:
                return float(vector[indices[0] - 1])
            return None
        matrix = self.matrices.get((kind, layer))
        if matrix is None or len(indices) != 2:
            return None
        row, column = indices
        if 1 <= row <= matrix.shape[0] and 1 <= column <= matrix.shape[1]:
            return float(matrix[row - 1, column - 1])
        return None

    def symbolic(self, array: np.ndarray) -> sympy.ImmutableMatrix:
        """Return a vector as a column (column convention) or a row (row convention), a matrix as it is."""
        if array.ndim == 2:
            return sympy.ImmutableMatrix(array.tolist())
        values = [float(value) for value in array]
        if self.convention == "column":
            return sympy.ImmutableMatrix(len(values), 1, values)
        return sympy.ImmutableMatrix(1, len(values), values)


def network_values(spec: NetworkSpec, seed: int, weight_transposed: bool = False) -> NetworkValues:
    """Build ``spec`` with random parameters and compute its values for one random example."""
    rng = np.random.default_rng(seed)
    network = spec.build(np.float64, rng)
    convention = spec.convention
    inputs = rng.standard_normal(batch_shape(spec.sizes[0], 1, convention))
    targets = rng.standard_normal(batch_shape(spec.sizes[-1], 1, convention))
    forward = network.forward(inputs)
    values = NetworkValues(convention, weight_transposed, spec.sizes)
    values.vectors[("a", 0)] = inputs.ravel()
    values.vectors[("y", 0)] = targets.ravel()

    def outputs_by_inputs(matrix: np.ndarray) -> np.ndarray:
        return matrix if convention == "column" else matrix.T

    gradient = network.cost.gradient(forward.output, targets, convention)  # dC/da^L
    for number in range(len(network.layers), 0, -1):
        layer = network.layers[number - 1]
        z = forward.pre_activations[number - 1]
        layer_input = forward.layer_input(number - 1)
        values.vectors[("a", number)] = forward.activations[number - 1].ravel()
        values.vectors[("x", number)] = layer_input.ravel()
        values.vectors[("z", number)] = z.ravel()
        values.vectors[("b", number)] = layer.biases.copy()
        values.matrices[("W", number)] = outputs_by_inputs(layer.weights)
        values.vectors[("dC/da", number)] = gradient.ravel()
        values.vectors[("dC/dz", number)] = (gradient * layer.activation.derivative(z)).ravel()
        layer_gradient, gradient = layer.backward(gradient, z, layer_input)
        values.matrices[("dC/dW", number)] = outputs_by_inputs(layer_gradient.weights)
        values.vectors[("dC/db", number)] = layer_gradient.biases
    values.vectors[("dC/da", 0)] = gradient.ravel()
    return values


# -- evaluating the document's formulas on the network -----------------------------------------


@dataclass(frozen=True)
class _Quantity:
    """A network quantity a name denotes: its kind, its layer superscript and entry indices."""

    kind: str  # a key kind of NetworkValues, or "y"
    layer: str  # the superscript as written ("l-1", "(L)", "2"), "" for the target y
    indices: tuple[str, ...] = ()  # subscript indices of an entry, e.g. ("j", "k")
    label: str = ""

    def minimum_layer(self) -> int:
        return 0 if self.kind in ("a", "dC/da") else 1


def _name_quantity(name: Name) -> _Quantity | None:
    """Return the quantity a name such as a^{l-1}, w^l_{jk}, \\delta^L_j, y or \\hat y denotes, else None."""
    indices = tuple(_split_indices(name.subscript)) if name.subscript else ()
    if name.base == "y" and not name.layer:
        if name.accent == "hat":
            return _Quantity("a", "L", indices, name.key())
        if not name.accent or name.is_vector:
            return _Quantity("y", "", indices, name.key())
        return None
    if not name.layer:
        return None
    if name.base in VECTOR_BASES:
        return _Quantity(name.base, name.layer, indices, name.key())
    if name.base == ERROR_BASE:
        return _Quantity("dC/dz", name.layer, indices, name.key())
    if _is_weight_base(name.base):
        return _Quantity("W", name.layer, indices, name.key())
    return None


def _gradient_quantity(node: Node) -> _Quantity | None:
    """Return the gradient a node denotes (dC/dX or \\nabla_X C for a network quantity X, or \\delta^l), else None."""
    if isinstance(node, Name) and node.base == ERROR_BASE and node.layer:
        return _name_quantity(node)
    if isinstance(node, Derivative) and node.order == 1 and node.of is not None:
        of, wrt = _ungroup(node.of), _ungroup(node.wrt)
    elif isinstance(node, Gradient) and node.wrt is not None and not node.transposed:
        of, wrt = _ungroup(node.operand), _ungroup(node.wrt)
    else:
        return None
    if not _is_cost_name(of) or not isinstance(wrt, Name):
        return None
    quantity = _name_quantity(wrt)
    if quantity is None or quantity.kind not in ("a", "z", "b", "W"):
        return None
    return _Quantity("dC/d" + quantity.kind, quantity.layer, quantity.indices, f"dC/d{wrt.key()}")


def _split_indices(subscript: str) -> list[str]:
    text = subscript.replace("{", "").replace("}", "").replace(" ", "")
    return text.split(",") if "," in text else list(text)


def _layer_reference(text: str) -> tuple[str | None, int] | None:
    """Read a layer superscript: "l-1" -> ("l", -1), "L" -> ("L", 0), "(2)" -> (None, 2), else None."""
    text = text.replace("{", "").replace("}", "").replace("(", "").replace(")", "").replace(" ", "")
    if text.isdigit():
        return None, int(text)
    if not text or text[0] not in "lL":
        return None
    rest = text[1:]
    if not rest:
        return text[0], 0
    if rest[0] in "+-" and rest[1:].isdigit():
        return text[0], int(rest)
    return None


class _NotEvaluated(Exception):
    """A formula that cannot be evaluated on the network, with the reason as its message."""


class _Disagreement(Exception):
    """A formula whose value cannot match the network's, such as one with undefined products."""


@dataclass
class _Outcome:
    layer: int | None  # the value of a generic l, else the left side's layer
    generic: bool
    status: str
    error: float | None = None
    message: str = ""


class _FormulaEvaluator:
    """Evaluates a document's formulas on the values of a network, layer by layer and entry by entry.

    Each right side is evaluated with every network quantity it names bound to the network's
    value, so a formula is checked on its own: in delta^l = ((W^{l+1})^T delta^{l+1}) ...,
    delta^{l+1} is the network's value and not the document's formula for it. A generic layer
    l takes every value from 1 to L for which all layers the formula names exist. Vectors may
    come out as rows or columns: only their entries are compared. The cost's derivatives
    written on a right side (dC/da^L, \\nabla_a C) are bound to backpropagation's values too.
    Formulas are evaluated for one example, so a plain m, the number of examples, is 1.
    """

    def __init__(self, values: NetworkValues, activation: Definition | None) -> None:
        self.values = values
        self.activation = activation

    def check(self, formula: _Formula) -> FormulaCheck:
        claim = formula.claim
        first = formula.side(0)
        assert first is not None  # _classify keeps only formulas with a parsed first side
        target = _gradient_quantity(first) or (_name_quantity(first) if isinstance(first, Name) else None)
        check = FormulaCheck(claim.line, claim.column, _flat(claim.latex), target.label if target else "?", NOT_EVALUATED)
        if target is None:
            check.message = "the left side is not a quantity of the network"
            return check
        outcomes: list[_Outcome] = []
        not_evaluated: list[str] = []
        for _, side in formula.right_sides:
            try:
                outcomes.extend(self._check_side(formula, target, side))
            except _NotEvaluated as reason:
                not_evaluated.append(str(reason))
        return _combine(check, outcomes, not_evaluated)

    def _check_side(self, formula: _Formula, target: _Quantity, side: Node) -> list[_Outcome]:
        markers: dict[str, _Quantity] = {}

        def replace(node: Node) -> Node | None:
            quantity = _gradient_quantity(node) if isinstance(node, (Derivative, Gradient)) else None
            if quantity is None:
                return None
            key = f"<{quantity.label}>"
            markers[key] = quantity
            return Name(node.start, key)

        rewritten = _rewrite(side, replace)
        quantities = {name.key(): _name_quantity(name) for name in names_in(rewritten)}
        quantities.update(markers)
        named = {key: quantity for key, quantity in quantities.items() if quantity is not None}
        scope = formula.scope.copy()
        if self.activation is not None:
            scope.definitions.setdefault(self.activation.name, self.activation)

        outcomes = []
        for layer in self._layers(target, list(named.values())):
            for assignment in self._assignments(target, layer):
                outcomes.append(self._evaluate(rewritten, scope, target, named, layer, assignment))
        if not outcomes:
            raise _NotEvaluated(f"the {self.values.layer_count}-layer network has no layer l at which every layer the formula names exists")
        return outcomes

    def _layers(self, target: _Quantity, quantities: list[_Quantity]) -> list[int | None]:
        """Return the values of l at which every layer the formula names exists, [None] without a generic l."""
        references = []
        for quantity in [target, *quantities]:
            if quantity.kind == "y":
                continue
            reference = _layer_reference(quantity.layer)
            if reference is None:
                raise _NotEvaluated(f"the layer superscript '{quantity.layer}' is not l, L or a number, with an offset such as l-1")
            references.append((quantity, reference))
        generic = any(variable == "l" for _, (variable, _) in references)
        candidates: list[int | None] = list(range(1, self.values.layer_count + 1)) if generic else [None]
        return [
            layer for layer in candidates
            if all(self._resolve(reference, layer) >= quantity.minimum_layer()
                   and self._resolve(reference, layer) <= self.values.layer_count
                   for quantity, reference in references)
        ]

    def _resolve(self, reference: tuple[str | None, int], layer: int | None) -> int:
        variable, offset = reference
        if variable == "l":
            assert layer is not None
            return layer + offset
        if variable == "L":
            return self.values.layer_count + offset
        return offset

    def _layer_of(self, quantity: _Quantity, layer: int | None) -> int:
        if quantity.kind == "y":
            return 0
        reference = _layer_reference(quantity.layer)
        assert reference is not None  # _layers has read every superscript
        return self._resolve(reference, layer)

    def _assignments(self, target: _Quantity, layer: int | None) -> list[dict[str, int]]:
        """Return every value of the target's entry indices: j over layer l's neurons, k over layer l-1's."""
        if not target.indices:
            return [{}]
        number = self._layer_of(target, layer)
        whole = self.values.whole(target.kind, number)
        if whole is None:
            return []
        if target.kind in ("W", "dC/dW"):
            ranges = [self.values.sizes[number], self.values.sizes[number - 1]]
        else:
            ranges = [whole.size]
        if len(target.indices) != len(ranges) or not all(index.isalpha() for index in target.indices):
            raise _NotEvaluated(f"the entry {target.label} does not have one letter index per dimension")
        letters = list(target.indices)
        return [dict(zip(letters, values)) for values in itertools.product(*(range(1, size + 1) for size in ranges))]

    def _evaluate(
        self,
        side: Node,
        scope: Scope,
        target: _Quantity,
        named: dict[str, _Quantity],
        layer: int | None,
        assignment: dict[str, int],
    ) -> _Outcome:
        number = self._layer_of(target, layer)
        generic = layer is not None
        reported_layer = layer if generic else number
        where = f"l = {layer}" if generic else f"layer {number}"
        if assignment:
            where += ", " + ", ".join(f"{letter} = {value}" for letter, value in assignment.items())
        try:
            bindings: dict[str, Value] = {EXAMPLE_COUNT: sympy.Integer(1)}
            bindings.update({key: self._value(quantity, layer, assignment) for key, quantity in named.items()})
            value = Interpreter(scope, bindings=bindings).value(side)
            actual = _numeric(value)
        except _Disagreement as reason:
            return _Outcome(reported_layer, generic, DISAGREES, message=f"at {where}: {reason}")
        except InterpretError as error:
            status = DISAGREES if error.kind == "shape" else NOT_EVALUATED
            return _Outcome(reported_layer, generic, status, message=f"at {where}: {error.message}")
        except _NotEvaluated as reason:
            return _Outcome(reported_layer, generic, NOT_EVALUATED, message=f"at {where}: {reason}")
        except (TypeError, ValueError, ArithmeticError, RecursionError) as error:
            # The Interpreter lets errors that SymPy raises pass through. Such a formula is
            # reported as not evaluated, and the other formulas are still checked.
            message = f"at {where}: evaluating the formula failed: {type(error).__name__}: {error}"
            return _Outcome(reported_layer, generic, NOT_EVALUATED, message=message)
        expected: float | np.ndarray | None
        if assignment:
            expected = self.values.entry(target.kind, number, [assignment[letter] for letter in target.indices])
        else:
            expected = self.values.whole(target.kind, number)
        assert expected is not None  # _layers and _assignments keep existing layers and entries
        outcome = _compare(actual, np.asarray(expected, dtype=np.float64), target, where, self.values.convention)
        outcome.layer, outcome.generic = reported_layer, generic
        return outcome

    def _value(self, quantity: _Quantity, layer: int | None, assignment: dict[str, int]) -> Value:
        number = self._layer_of(quantity, layer)
        if not quantity.indices:
            whole = self.values.whole(quantity.kind, number)
            if whole is None:
                raise _Disagreement(f"{quantity.label} names layer {number}, which the network does not have")
            return self.values.symbolic(whole)
        indices = []
        for index in quantity.indices:
            if index.isdigit():
                indices.append(int(index))
            elif index in assignment:
                indices.append(assignment[index])
            else:
                raise _NotEvaluated(f"the index {index} of {quantity.label} is not an index of the left side")
        entry = self.values.entry(quantity.kind, number, indices)
        if entry is None:
            entry_text = ", ".join(str(index) for index in indices)
            raise _Disagreement(f"{quantity.label} has no entry ({entry_text}) in layer {number}")
        return sympy.Float(entry)


def _numeric(value: Value) -> np.ndarray:
    """Return a SymPy value as a float64 array, or raise _NotEvaluated when symbols without a value remain."""
    free: set[sympy.Symbol] = getattr(value, "free_symbols", set())
    if free:
        names = ", ".join(sorted(str(symbol) for symbol in free))
        raise _NotEvaluated(f"the network gives no value to {names}")
    try:
        if is_matrix(value):
            return np.array(value.evalf().tolist(), dtype=np.float64)  # type: ignore[union-attr]
        return np.array(float(value.evalf()), dtype=np.float64)  # type: ignore[union-attr]
    except (TypeError, ValueError) as error:
        raise _NotEvaluated(f"the value is not a real number: {error}") from None


def _compare(actual: np.ndarray, expected: np.ndarray, target: _Quantity, where: str, convention: Convention) -> _Outcome:
    """Compare a formula's value with the network's. The caller sets the outcome's layer."""
    if expected.ndim == 2:
        if actual.shape != expected.shape:
            shape = " x ".join(str(size) for size in actual.shape) or "a scalar"
            expected_shape = f"{expected.shape[0]} x {expected.shape[1]}"
            note = ", its transpose" if actual.shape == expected.shape[::-1] else ""
            message = f"at {where}: the right side is {shape}{note}, but {target.label} is {expected_shape} in the {convention} convention"
            return _Outcome(None, False, DISAGREES, message=message)
    elif actual.size != expected.size or (actual.ndim == 2 and 1 not in actual.shape):
        shape = " x ".join(str(size) for size in actual.shape) or "a scalar"
        message = f"at {where}: the right side is {shape}, but {target.label} has {expected.size} entries"
        return _Outcome(None, False, DISAGREES, message=message)
    error = float(np.max(relative_error(expected.reshape(-1), actual.reshape(-1), TOLERANCES)))
    if error <= TOLERANCES.rtol:
        return _Outcome(None, False, AGREES, error)
    source = "the forward pass" if target.kind in FORWARD_BASES else "backpropagation"
    message = f"at {where}: the right side differs from {target.label} computed by {source} (rtol {TOLERANCES.rtol:.3g})"
    return _Outcome(None, False, DISAGREES, error, message)


def _combine(check: FormulaCheck, outcomes: list[_Outcome], not_evaluated: list[str]) -> FormulaCheck:
    evaluated = [outcome for outcome in outcomes if outcome.status != NOT_EVALUATED]
    skipped = [outcome.message for outcome in outcomes if outcome.status == NOT_EVALUATED] + not_evaluated
    errors = [outcome.error for outcome in evaluated if outcome.error is not None]
    check.layers = sorted({outcome.layer for outcome in evaluated if outcome.layer is not None})
    check.generic = any(outcome.generic for outcome in evaluated)
    check.max_rel_error = max(errors) if errors else None
    failures = [outcome for outcome in evaluated if outcome.status == DISAGREES]
    if failures:
        check.status = DISAGREES
        check.message = failures[0].message
    elif evaluated:
        check.status = AGREES
        check.message = f"not evaluated {skipped[0]}" if skipped else ""
    else:
        check.status = NOT_EVALUATED
        check.message = skipped[0] if skipped else "nothing to evaluate"
    return check


def _not_evaluated(formula: _Formula, reason: str) -> FormulaCheck:
    first = formula.side(0)
    quantity = None
    if first is not None:
        quantity = _gradient_quantity(first) or (_name_quantity(first) if isinstance(first, Name) else None)
    claim = formula.claim
    return FormulaCheck(claim.line, claim.column, _flat(claim.latex), quantity.label if quantity else "?", NOT_EVALUATED, message=reason)


# -- the text report ---------------------------------------------------------------------


def _summary_lines(report: DocumentCrosscheck) -> list[str]:
    path = report.path
    if report.ok:
        verdict = "passed"
    else:
        reasons = []
        if report.findings:
            count = len(report.findings)
            reasons.append(f"{count} finding{'s' if count != 1 else ''}")
        if report.crosscheck_error or (report.spec is not None and report.result is None):
            reasons.append("numeric cross-check did not run")
        elif report.result is None:
            reasons.append("no network to cross-check")
        elif not report.result.ok:
            reasons.append("numeric cross-check failed")
        if not report.formulas_agree:
            reasons.append("formulas disagree")
        verdict = "FAILED (" + ", ".join(reasons) + ")"
    lines = [f"crosscheck of {path}: {verdict}"]

    if report.activation is not None:
        lines.append(f"activation: {report.activation}, from {report.activation_latex} at {report.activation_location}")
    else:
        lines.append("activation: not recognised")
    if report.convention is not None:
        lines.append(
            f"layer formula: {report.layer_latex} at {report.layer_location}: "
            f"{report.convention} convention ({report.convention_reason})"
        )
    else:
        lines.append("layer formula: not found")
    if report.weight_shape is not None:
        lines.append(
            f"weights: {report.weight_name} is written {report.weight_shape} at {report.weight_shape_location}; "
            f"the {report.convention} convention needs {report.required_weight_shape}"
        )
    if report.cost is not None:
        lines.append(f"cost: {report.cost}, {report.cost_latex} at {report.cost_location}")
    else:
        lines.append("cost: not recognised" + (f", {report.cost_latex} at {report.cost_location}" if report.cost_location else ""))

    if report.findings:
        lines.append("findings:")
        lines.extend(f"  {path}:{finding.line}:{finding.column}: {finding.code}: {finding.message}" for finding in report.findings)
    else:
        lines.append("findings: none")

    lines.extend(_network_lines(report))
    lines.extend(_formula_lines(report))
    return lines


def _network_lines(report: DocumentCrosscheck) -> list[str]:
    spec = report.spec
    if spec is None:
        return ["network: not built, because the document does not describe one that symcheck.nn can build"]
    sizes = "-".join(str(size) for size in spec.sizes)
    layout = "inputs x outputs" if spec.convention == "row" else "outputs x inputs"
    shapes = []
    for number in range(1, len(spec.sizes)):
        inputs, outputs = spec.sizes[number - 1], spec.sizes[number]
        rows, columns = (inputs, outputs) if spec.convention == "row" else (outputs, inputs)
        shapes.append(f"W^{number} is {rows} x {columns}")
    lines = [
        f"network: {sizes} ({', '.join(spec.activations)}), {spec.convention} convention, {spec.cost} cost, "
        + ("sizes chosen by symcheck, because the document gives them as symbols" if report.sizes_chosen else "sizes as requested"),
        f"  built in the document's {spec.convention} convention: " + ", ".join(shapes) + f" ({layout})",
    ]
    if report.weight_transposed:
        lines.append(f"  the layer formula multiplies by ({report.weight_name})^T, so the document's {report.weight_name} is the transpose of these")
    if report.crosscheck_error:
        lines.append(f"numeric cross-check FAILED to run: {report.crosscheck_error}")
    elif report.result is not None:
        lines.extend("numeric " + line if number == 0 else line for number, line in enumerate(report.result.summary.splitlines()))
    return lines


def _formula_lines(report: DocumentCrosscheck) -> list[str]:
    lines = []
    if report.layer_formulas:
        lines.append("layer formulas, evaluated on the network for one example:")
        lines.extend("  " + check.describe(report.path) for check in report.layer_formulas)
    if report.gradient_formulas:
        lines.append("gradient formulas, evaluated on the network for one example (m = 1):")
        lines.extend("  " + check.describe(report.path) for check in report.gradient_formulas)
    else:
        lines.append("gradient formulas: the document states no gradient formulas")
    return lines


# -- notation tree helpers -----------------------------------------------------------------


def _walk(item: object) -> Iterator[Node]:
    """Yield every node in ``item``, depth first, in written order."""
    if isinstance(item, Node):
        yield item
        for value in vars(item).values():
            if isinstance(value, (Node, list, tuple)):
                yield from _walk(value)
    elif isinstance(item, (list, tuple)):
        for element in item:
            yield from _walk(element)


def _rewrite(item: Any, replace: Callable[[Node], Node | None]) -> Any:
    """Return a copy of a notation tree with every node for which ``replace`` returns a node replaced."""
    if isinstance(item, Node):
        replacement = replace(item)
        if replacement is not None:
            return replacement
        changes = {
            item_field.name: _rewrite(getattr(item, item_field.name), replace)
            for item_field in dataclasses.fields(item)
            if isinstance(getattr(item, item_field.name), (Node, list, tuple))
        }
        return dataclasses.replace(item, **changes)
    if isinstance(item, list):
        return [_rewrite(element, replace) for element in item]
    if isinstance(item, tuple):
        return tuple(_rewrite(element, replace) for element in item)
    return item


def _ungroup(node: Node) -> Node:
    while isinstance(node, Group) and node.delimiter in ("(", "{"):
        node = node.body
    return node


def render_side(formula: _Formula, node: Node) -> str:
    """Return the LaTeX of ``node`` as written: its side's tokens from the node's first token on.

    A node ends where the next factor or term of its side starts, which the tree does not
    record, so the text runs to the end of the side unless a later sibling starts first.
    """
    for side in formula.claim.sides:
        tokens = side.tokens
        start = next((position for position, token in enumerate(tokens) if token is node.start), None)
        if start is None:
            continue
        end = len(tokens)
        parsed = [reading.parsed.node for reading in formula.reading.sides if reading.parsed is not None]
        for sibling_start in _sibling_starts(parsed, node):
            position = next((index for index, token in enumerate(tokens) if token is sibling_start), None)
            if position is not None and start < position < end:
                end = position
        return _flat(render(tokens[start:end]).rstrip("+- "))
    return ""


def _sibling_starts(roots: list[Node], node: Node) -> list[Any]:
    """Return the first tokens of the factors and terms that follow ``node`` in its product or sum."""
    starts: list[Any] = []
    for root in roots:
        for item in _walk(root):
            children: list[Node] = []
            if isinstance(item, Product):
                children = [factor for _, factor in item.factors]
            elif isinstance(item, Sum_):
                children = [term for _, term in item.terms]
            for position, child in enumerate(children):
                if child is node or any(inner is node for inner in _walk(child)):
                    starts.extend(later.start for later in children[position + 1:])
    return starts


def _flat(latex: str) -> str:
    return " ".join(latex.split())


__all__ = [
    "DEFAULT_SIZES",
    "DocumentCrosscheck",
    "DocumentFormulas",
    "Finding",
    "FormulaCheck",
    "NetworkValues",
    "crosscheck_document",
    "definition_latex",
    "network_values",
    "read_formulas",
    "render_side",
]
