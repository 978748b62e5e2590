"""Check one step of a claim: interpret both sides, instantiate general claims at concrete
sizes, and run the strategies. This module runs inside a worker process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import sympy
from sympy.core.function import AppliedUndef

from ..notation.ast import Group, Name, Node
from ..semantics.context import Scope
from ..semantics.interpret import Interpreter, Note
from ..semantics.leaves import symbol
from ..semantics.patterns import resolve_sizes
from ..semantics.values import InterpretError, Value, is_matrix
from .strategies import Outcome, derived_latex, numeric, shapes, structural, symbolic, transposed
from .verdict import Verdict

# Shares of the step's time budget.
SYMBOLIC_SHARE = 0.45
EXPECTED_SHARE = 0.15


@dataclass
class StepRequest:
    """Everything a worker needs to check one step; it is pickled to the worker."""

    lhs: Node
    rhs: Node
    scope: Scope
    vector_names: set[str]
    variables: list[str]  # symbol names of the claim's variables, in index order
    seed: int
    budget: float
    sizes: tuple[int, ...] = (1, 2, 3, 4)
    implicit_functions: dict[str, str] = field(default_factory=dict)
    context: list[Node] = field(default_factory=list)  # the claim's other sides, read first when needed
    row_names: set[str] = field(default_factory=set)
    lhs_latex: str = ""  # the sides as written, for the report
    rhs_latex: str = ""


@dataclass
class StepReport:
    """The outcome of one step, with the warnings found while interpreting it."""

    outcome: Outcome
    notes: list[Note] = field(default_factory=list)
    error_line: int = 0
    error_column: int = 0
    seconds: float = 0.0  # wall time of the check, set by the runner


def _interpret(request: StepRequest, sizes: dict[str, int] | None, symbolic_sums: bool = False) -> tuple[Value, Value, Interpreter]:
    interpreter = Interpreter(
        request.scope,
        sizes=sizes,
        vector_names=set(request.vector_names),
        variables=[symbol(name) for name in request.variables],
        implicit_functions=dict(request.implicit_functions),
        row_names=set(request.row_names),
        symbolic_sums=symbolic_sums,
    )
    interpreter.context_nodes = [resolve_sizes(node, sizes or {}) for node in request.context]
    left, right = resolve_sizes(request.lhs, sizes or {}), resolve_sizes(request.rhs, sizes or {})
    try:
        lhs = interpreter.value(left)
        rhs = interpreter.value(right)
    except InterpretError as error:
        if error.kind != "needs-context" or not request.context:
            raise
        # Read the whole chain first, so that compositions written elsewhere in it are known.
        for node in request.context:
            try:
                interpreter.value(resolve_sizes(node, sizes or {}))
            except InterpretError:
                continue
        lhs = interpreter.value(left)
        rhs = interpreter.value(right)
    if request.scope.assumptions:
        lhs, rhs = _assume(lhs, request.scope.assumptions), _assume(rhs, request.scope.assumptions)
    return lhs, rhs, interpreter


def _assume(value: Value, assumptions: dict[str, dict[str, bool]]) -> Value:
    """Replace the symbols the document made assumptions on (x > 0) by symbols that carry them.

    An assumption on a vector name applies to its components: x > 0 makes x_1, x_2, ... positive.
    """
    mapping = {}
    for item in value.free_symbols:  # type: ignore[union-attr]
        name = str(item)
        facts = assumptions.get(name) or assumptions.get(name.split("_")[0])
        if facts:
            mapping[item] = sympy.Symbol(name, real=True, **facts)
    if not mapping:
        return value
    return value.xreplace(mapping)  # type: ignore[union-attr]


def _kink(value: Value) -> bool:
    """Tell whether a value contains an undefined value, such as the derivative of max(0, x) at its kink."""
    without_steps = value.replace(lambda item: isinstance(item, sympy.Heaviside), lambda item: sympy.Integer(0))  # type: ignore[union-attr]
    if without_steps.has(sympy.nan):
        return True  # symcheck's derivative of max(0, x) is nan at 0, once evaluated there
    for item in value.atoms(sympy.Heaviside, sympy.DiracDelta):  # type: ignore[union-attr]
        if item.args and item.args[0].is_number and item.args[0] == 0:
            return True
    return False


def _decide(lhs: Value, rhs: Value, seed: int, seconds: float, want_expected: bool) -> Outcome:
    if _kink(_evaluated(lhs)) or _kink(_evaluated(rhs)):
        return Outcome(
            Verdict.INCONCLUSIVE, "undefined",
            "a side is undefined here: it is 0/0 or infinity minus infinity, or the derivative of "
            "max(0, x) at its kink 0, which symcheck leaves undefined (SymPy's Heaviside(0) is 1/2)",
        )
    if transposed(lhs, rhs):
        # [a, b] against a column: compare the entries, but never call a row equal to a column.
        outcome = _decide(lhs, sympy.ImmutableMatrix(rhs).T, seed, seconds, want_expected)  # type: ignore[arg-type]
        if outcome.verdict in (Verdict.PROVED, Verdict.NUMERIC):
            return Outcome(Verdict.INCONCLUSIVE, "shape", f"one side is a row and the other a column; their entries agree ({outcome.method})")
        return outcome
    started = time.monotonic()
    for strategy in (shapes, structural):
        found = strategy(lhs, rhs)
        if found is not None:
            return found
    proved = symbolic(lhs, rhs, seconds * SYMBOLIC_SHARE)
    if proved is not None:
        return proved
    remaining = max(0.05, seconds - (time.monotonic() - started))
    outcome = numeric(lhs, rhs, seed, remaining * (1 - EXPECTED_SHARE) if want_expected else remaining)
    if outcome.verdict is Verdict.REFUTED and want_expected:
        outcome.expected = derived_latex(lhs, min(seconds * EXPECTED_SHARE, max(0.05, seconds - (time.monotonic() - started))))
    return outcome


def _evaluated(value: Value) -> Value:
    try:
        if is_matrix(value):
            return sympy.ImmutableMatrix(value.applyfunc(lambda entry: entry.doit()))  # type: ignore[union-attr]
        return value.doit()  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - an expression SymPy cannot evaluate has no kink to report
        return value


def _naming(request: StepRequest, lhs: Value, rhs: Value) -> Outcome | None:
    """Recognise a step that names something rather than states an equation.

    ``f_{x_i} = f_i`` or ``y = f(u)`` with y, f undefined: a side that is a lone undefined
    symbol, or an arbitrary function that only one side mentions. Such a step is notation, so
    it is never refuted.
    """
    pairs = ((request.lhs, lhs, rhs), (request.rhs, rhs, lhs))
    for node, value, other in pairs:
        while isinstance(node, Group):
            node = node.body
        elsewhere = _mentions(request, node)
        if isinstance(value, sympy.Symbol) and isinstance(node, Name) and value not in other.free_symbols and not elsewhere:  # type: ignore[union-attr]
            return Outcome(Verdict.INCONCLUSIVE, "notation", f"{node.key()} is not defined in the document, so this step names it rather than states an equation")
        if isinstance(value, AppliedUndef):
            other_functions = {applied.func for applied in other.atoms(AppliedUndef)}  # type: ignore[union-attr]
            if value.func not in other_functions:
                return Outcome(Verdict.INCONCLUSIVE, "notation", f"the arbitrary function {value.func} appears on one side only, so this step defines it rather than states an equation")
    one_sided = set(lhs.free_symbols) ^ set(rhs.free_symbols)  # type: ignore[union-attr]
    undefined_matrices = sorted({
        str(item).split("_")[0] for item in one_sided
        if str(item)[:1].isupper() and str(item).split("_")[0] in request.vector_names and str(item).split("_")[0] not in request.scope.definitions
    })
    if undefined_matrices:
        # A = the matrix of partial derivatives, given in words: the claim is true for one A only.
        return Outcome(Verdict.INCONCLUSIVE, "notation", f"{', '.join(undefined_matrices)} appears on one side only and is not defined in the document")
    left_functions = {applied.func for applied in lhs.atoms(AppliedUndef)}  # type: ignore[union-attr]
    right_functions = {applied.func for applied in rhs.atoms(AppliedUndef)}  # type: ignore[union-attr]
    if bool(left_functions) != bool(right_functions):
        names = ", ".join(sorted(str(function) for function in left_functions | right_functions))
        return Outcome(Verdict.INCONCLUSIVE, "notation", f"only one side involves the arbitrary function {names}: this is a condition on it, not an identity")
    return None


def _has_ellipsis(request: StepRequest) -> bool:
    from ..notation.ast import BigOperator, Ellipsis_
    from ..notation.ast import walk

    return any(isinstance(item, (Ellipsis_, BigOperator)) for side in (request.context or [request.lhs, request.rhs]) for item in walk(side))


def _written_size(request: StepRequest) -> int:
    """Return the largest numeric index written on a component of a vector of the claim (2 for w_2)."""
    from ..semantics.patterns import names_in

    largest = 1
    for side in request.context or [request.lhs, request.rhs]:
        for name in names_in(side):
            subscript = name.subscript.strip("{}")
            if subscript.isdigit() and len(subscript) == 1 and name.base in request.vector_names:
                largest = max(largest, int(subscript))
    return largest


def _mentions(request: StepRequest, node: Node) -> bool:
    """Tell whether the name ``node`` also occurs in a side of the claim other than its own."""
    from ..semantics.patterns import names_in

    if not isinstance(node, Name):
        return False
    key = node.key()
    count = 0
    # A name that a definition in scope uses is a variable of the document, not a new name.
    for definition in request.scope.definitions.values():
        if any(name.key() == key for name in names_in(definition.body)):
            return True
    for side in request.context:
        if side is node:
            continue
        for name in names_in(side):
            # The same name, or a sibling that differs only in an index letter: a_j beside a_k.
            sibling = name.base == node.base and (
                (name.layer == node.layer and _index_like(name.subscript) and _index_like(node.subscript))
                or (name.subscript == node.subscript and bool(name.layer) and bool(node.layer))
            )
            if name.key() == key or sibling:
                count += 1
    return count > 0


def _index_like(subscript: str) -> bool:
    text = subscript.strip("{}")
    return bool(text) and all(char.isdigit() or char in "ijklmnpqrst" for char in text)


def _size_plans(names: set[str], sizes: tuple[int, ...]) -> list[dict[str, int]]:
    """Sizes to instantiate at: every size for one size symbol; equal and mixed pairs for more."""
    ordered = sorted(names)
    if not ordered:
        return [{}]
    if len(ordered) == 1:
        return [{ordered[0]: size} for size in sizes]
    # With several sizes, a size of 1 makes vectors look like scalars; use sizes from 2 on.
    sizes = tuple(size for size in sizes if size > 1) or sizes
    plans = [{name: size for name in ordered} for size in sizes]
    # Two mixed plans with the two smallest sizes: each symbol once larger than the others.
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[1]
        for bigger in ordered[:2]:
            plan = {name: (large if name == bigger else small) for name in ordered}
            if plan not in plans:
                plans.append(plan)
    # Unequal sizes first: they expose products whose shapes only agree when n = m.
    return sorted(plans, key=lambda plan: (len(set(plan.values())) == 1, sum(plan.values()), sorted(plan.items())))


def check_step(request: StepRequest) -> StepReport:
    """Decide one step; general claims are decided at each planned size, smallest first."""
    started = time.monotonic()
    try:
        lhs, rhs, interpreter = _interpret(request, None)
    except InterpretError as error:
        if error.kind != "needs-size":
            return _error_report(error)
    else:
        outcome = _naming(request, lhs, rhs) or _decide(lhs, rhs, request.seed, request.budget, True)
        return StepReport(_undetermined(outcome, interpreter), interpreter.notes)

    # A sum to a symbolic n: SymPy may prove it for every n at once.
    general = _prove_for_every_size(request)
    if general is not None:
        return general

    # A general claim: find its sizes, then decide it at each.
    try:
        _, _, probe = _interpret(request, {})
    except InterpretError as error:
        return _error_report(error)
    plans = _size_plans(probe.size_symbols or {"n"}, request.sizes)
    # Without a size symbol (every shape declared with numbers), the one plan is the claim itself.
    exact = not probe.size_symbols
    smallest = _written_size(request)
    if smallest > 1 and (probe.size_symbols or {"n"}) == {"n"} and not _has_ellipsis(request):
        # The claim writes its vectors out (w_1, w_2) and has no "..." pattern: n is that size.
        plans = [{"n": smallest}]
        exact = True
    elif smallest > 1 and any(plan.get("n", smallest) >= smallest for plan in plans):
        # w_1 x_1 + w_2 x_2 beside \vec w: the vector has at least 2 entries.
        plans = [plan for plan in plans if plan.get("n", smallest) >= smallest]
    notes: list[Note] = list(probe.notes)
    verdicts: list[Outcome] = []
    skipped: list[dict[str, int]] = []
    for index, plan in enumerate(plans):
        elapsed = time.monotonic() - started
        share = (request.budget - elapsed) / (len(plans) - index)
        if share <= 0.02:
            break
        try:
            lhs, rhs, interpreter = _interpret(request, plan)
        except InterpretError as error:
            if error.kind in ("needs-size", "unsupported") and index < len(plans) - 1:
                # The written pattern does not fit this size (a chain of m = 1 functions).
                skipped.append(plan)
                continue
            report = _error_report(error)
            if report.outcome.verdict is Verdict.REFUTED:
                _attach_size(report.outcome, plan)
                report.notes = notes
                return report
            return StepReport(report.outcome, notes, error.line, error.column)
        outcome = _undetermined(_naming(request, lhs, rhs) or _decide(lhs, rhs, request.seed + index, share, True), interpreter)
        if outcome.verdict is Verdict.REFUTED:
            _attach_size(outcome, plan)
            return StepReport(outcome, notes)
        verdicts.append(outcome)
    if not verdicts:
        reason = "the claim's pattern fits none of the sizes" if skipped else "no size could be checked within the time budget"
        return StepReport(Outcome(Verdict.INCONCLUSIVE, "instantiation", reason), notes)
    sizes_text = _sizes_text([plan for plan in plans[: len(verdicts) + len(skipped)] if plan not in skipped])
    if exact and all(outcome.verdict is Verdict.PROVED for outcome in verdicts):
        return StepReport(Outcome(Verdict.PROVED, "instantiation", f"proved symbolically at the size the claim writes out, {sizes_text}"), notes)
    if all(outcome.verdict is Verdict.PROVED for outcome in verdicts):
        # A proof at each of a few sizes is evidence, not a proof for every size.
        return StepReport(Outcome(Verdict.NUMERIC, "instantiation", f"proved symbolically at each size {sizes_text}, but not for every size"), notes)
    if all(outcome.verdict in (Verdict.PROVED, Verdict.NUMERIC) for outcome in verdicts):
        return StepReport(Outcome(Verdict.NUMERIC, "instantiation", f"agrees at each size {sizes_text} (numerically at some), but no proof was found"), notes)
    worst = next(outcome for outcome in verdicts if outcome.verdict not in (Verdict.PROVED, Verdict.NUMERIC))
    return StepReport(Outcome(worst.verdict, "instantiation", f"{worst.message} (at some of the sizes {sizes_text})"), notes)


def _undetermined(outcome: Outcome, interpreter: Interpreter) -> Outcome:
    """Keep only proofs when the claim differentiates names it never defines (dy/du, grad_w C).

    Such names are read as unknown functions of the variable, but the claim does not say how they
    depend on each other, so agreement or disagreement at random functions decides nothing.
    """
    if not interpreter.dependent_names or outcome.verdict is Verdict.PROVED:
        return outcome
    names = sorted(interpreter.dependent_names)
    subject = f"{names[0]} is" if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]} are"
    return Outcome(Verdict.INCONCLUSIVE, "notation", f"{subject} not defined in the document, so how the claim's quantities depend on each other is unknown")


def _prove_for_every_size(request: StepRequest) -> StepReport | None:
    """Prove a claim with sums to a symbolic bound for every size, or return None."""
    try:
        lhs, rhs, interpreter = _interpret(request, None, symbolic_sums=True)
    except InterpretError:
        return None
    if not (lhs.has(sympy.Sum, sympy.Product) or rhs.has(sympy.Sum, sympy.Product)):  # type: ignore[union-attr]
        return None
    if lhs.has(sympy.Indexed) or rhs.has(sympy.Indexed):  # type: ignore[union-attr]
        # Sums of x_i: SymPy proves these only case by case, so instantiate instead.
        pass
    outcome = symbolic(lhs, rhs, request.budget * 0.3)
    if outcome is None:
        return None
    outcome.message = "the difference simplifies to 0 for every size"
    return StepReport(outcome, interpreter.notes)


def _sizes_text(plans: list[dict[str, int]]) -> str:
    if not plans or not plans[0]:
        return ""
    names = sorted(plans[0])
    if len(names) == 1:
        return f"{names[0]} = " + ", ".join(str(plan[names[0]]) for plan in plans)
    values = sorted({value for plan in plans for value in plan.values()})
    return f"({', '.join(names)}) in {len(plans)} combinations of {min(values)} to {max(values)}"


def _attach_size(outcome: Outcome, plan: dict[str, int]) -> None:
    sizes_text = ", ".join(f"{name} = {value}" for name, value in sorted(plan.items()))
    if outcome.counterexample is not None:
        outcome.counterexample.size = dict(plan)
    if sizes_text:
        outcome.message = f"{outcome.message} (at size {sizes_text})"


def _error_report(error: InterpretError) -> StepReport:
    if error.kind == "shape":
        outcome = Outcome(Verdict.REFUTED, "shape", error.message)
    elif error.kind == "too-large":
        outcome = Outcome(Verdict.INCONCLUSIVE, "limits", error.message)
    else:
        outcome = Outcome(Verdict.INCONCLUSIVE, "interpretation", error.message)
    return StepReport(outcome, [], error.line, error.column)
