"""Check every claim of a document, in order, keeping the definitions in scope.

For each claim: a definition is recorded (and the rest of its chain checked); every step of a
chain is decided in a worker process under the time budget; the claim's verdict is the worst
of its steps. A formula that cannot be read is reported with its line, column and reason, and
the rest of the document is still checked.
"""

from __future__ import annotations

import logging
import re
import zlib
from typing import Iterator

from ..config import Options
from ..document.blocks import Directive, FormulaBlock
from ..document.claims import Claim, claims_from_blocks
from ..document.directives import DirectiveError, DirectiveSet, parse_directive
from ..document.reader import read_text
from ..notation.ast import Name
from ..semantics.context import Scope
from ..semantics.patterns import names_in
from ..semantics.reading import ClaimReading, read_claim
from ..semantics.lints import bound_notes, lint
from ..semantics.shapes import shape_from_matrix
from .limits import check_claim as check_claim_limits
from .runner import StepRunner
from .step import StepReport, StepRequest, check_step
from .verdict import ClaimResult, ClaimWarning, FileReport, StepResult, Verdict, worst

log = logging.getLogger(__name__)

class Checker:
    """Checks documents with one set of options, reusing its worker processes."""

    def __init__(self, options: Options | None = None) -> None:
        self.options = options or Options()
        self.runner = StepRunner(self.options)

    def close(self) -> None:
        self.runner.close()

    def __enter__(self) -> "Checker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- documents ------------------------------------------------------------------

    def check_file(self, path: str) -> FileReport:
        """Check the Markdown file at ``path``; a file that cannot be read gives an error report."""
        try:
            size = _file_size(path)
            if size > self.options.max_file_size:
                return FileReport(path, error=f"the file is {size} bytes, more than the limit of {self.options.max_file_size}")
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError as error:
            return FileReport(path, error=f"cannot read the file: {error.strerror or error}")
        return self.check_text(text, path)

    def check_text(self, text: str, path: str = "<string>") -> FileReport:
        """Check Markdown ``text``; ``path`` is used in locations."""
        if len(text.encode("utf-8", errors="replace")) > self.options.max_file_size:
            return FileReport(path, error=f"the document is larger than the limit of {self.options.max_file_size} bytes")
        items = read_text(text, path)
        blocks = [item for item in items if isinstance(item, FormulaBlock)]
        directives = [item for item in items if isinstance(item, Directive)]
        claims = claims_from_blocks(blocks)
        return FileReport(path, self.check_claims(claims, directives))

    def check_claims(self, claims: list[Claim], directives: list[Directive]) -> list[ClaimResult]:
        """Check claims in document order: plan every step, run them all, then assemble."""
        scope = Scope()
        plans: list[_ClaimPlan] = []
        extra: list[ClaimResult] = []
        pending = _Pending()
        directive_index = 0
        ordered = sorted(directives, key=lambda d: (d.line, d.column))
        section_id = 0
        for claim in claims:
            while directive_index < len(ordered) and ordered[directive_index].line <= claim.line:
                problem = pending.add(ordered[directive_index], scope)
                directive_index += 1
                if problem is not None:
                    extra.append(problem)
            if claim.section_id != section_id:
                scope.leave_section(claim.section_id, claim.section_level)
                section_id = claim.section_id
            plans.append(self.plan_claim(claim, scope, pending.take()))
        while directive_index < len(ordered):
            problem = pending.add(ordered[directive_index], scope)
            if problem is not None:
                extra.append(problem)
            directive_index += 1

        requests = [request for plan in plans for request in plan.requests]
        reports = iter(self.runner.run(requests))
        results = [plan.finish(reports) for plan in plans if not plan.omit]
        return sorted(results + extra, key=lambda result: (result.line, result.column))

    def check_claim(self, claim: Claim, scope: Scope, directive: DirectiveSet | None = None) -> ClaimResult:
        """Check one claim in ``scope``; a definition in it is added to ``scope``."""
        plan = self.plan_claim(claim, scope, directive)
        return plan.finish(iter(self.runner.run(plan.requests)))

    # -- claims ---------------------------------------------------------------------

    def plan_claim(self, claim: Claim, scope: Scope, directive: DirectiveSet | None = None) -> "_ClaimPlan":
        """Read a claim, record its definition in ``scope``, and prepare its steps."""
        result = ClaimResult(
            path=claim.path, line=claim.line, end_line=claim.end_line, column=claim.column,
            latex=claim.latex, verdict=Verdict.INCONCLUSIVE, message="", section=claim.section,
        )
        plan = _ClaimPlan(result)
        if directive is not None and directive.skip:
            result.directive = "skip"
            result.message = "skipped by a directive"
            return plan
        if directive is not None and directive.xfail is not None:
            result.directive = "xfail"
            result.directive_reason = directive.xfail

        problem = check_claim_limits(claim, self.options)
        if problem is not None:
            result.verdict = Verdict.UNPARSED
            result.message = problem.located()
            return plan
        if claim.problem:
            result.verdict = Verdict.UNPARSED
            result.message = f"{claim.problem_line}:{claim.problem_column}: {claim.problem}"
            return plan

        scope.enter_claim(claim.kind == "inline", claim.paragraph)
        if claim.expression:
            return self._plan_expression(claim, scope, plan)
        reading = read_claim(claim, scope)
        plan.reading = reading
        for side in reading.sides:
            if side.parsed is not None:
                _add_notes(result, lint(side.parsed.node))
        _add_notes(result, bound_notes([side.parsed.node for side in reading.sides if side.parsed is not None]))
        result.warnings.extend(ClaimWarning(issue.token.line, issue.token.column, issue.code, issue.message) for issue in reading.issues)
        for definition in reading.definitions:
            definition.section_level = claim.section_level
            definition.row_names = set(reading.row_names)
            if claim.kind == "inline" and not _DEFINING_WORDS.search(claim.lead) and (definition.name in scope.used or definition.name in scope.definitions):
                # A remark in prose ("if f = v, then ...") about a name the section already uses:
                # it holds for the rest of its paragraph only.
                scope.local_paragraph = claim.paragraph
                scope.define_locally(definition)
                result.warnings.append(ClaimWarning(claim.line, claim.column, "local-definition", f"{definition.name} is defined in prose here; the definition holds until the next displayed formula"))
            else:
                scope.local.pop(definition.name, None)
                scope.definitions[definition.name] = definition
            given = shape_from_matrix(definition.body) if not definition.parameters else None
            if given is not None and definition.name not in scope.shapes:
                # W = [w_{11} ... w_{nm}] gives W its shape n x m.
                scope.shapes[definition.name] = given.shape
        first_step = len(reading.definitions)
        scope.used |= _used_names(reading)

        budget = self.options.budget
        if directive is not None and directive.budget:
            # A document may ask for more time, but never more than MAX_DIRECTIVE_BUDGET.
            budget = min(directive.budget, max(self.options.budget, MAX_DIRECTIVE_BUDGET))
        variables = _claim_variables(reading, scope)
        snapshot = scope.copy()
        for index in range(first_step, len(claim.sides) - 1):
            plan.add_step(self._plan_step(reading, index, snapshot, variables, budget))
        return plan

    def _plan_expression(self, claim: Claim, scope: Scope, plan: "_ClaimPlan") -> "_ClaimPlan":
        """Record the shape a displayed matrix without '=' gives, if it gives one."""
        from ..notation.parser import ParseError, parse_side
        from ..semantics.shapes import layer_shapes, shape_from_matrix

        result = plan.result
        result.verdict = Verdict.DEFINITION
        plan.expression = True
        try:
            node = parse_side(claim.sides[0].tokens, scope.function_names()).node
        except (ParseError, RecursionError):
            plan.omit = True
            return plan
        given = shape_from_matrix(node)
        if given is None or given.name in scope.shapes:
            plan.omit = True
            return plan
        scope.shapes[given.name] = given.shape
        for key, shape in layer_shapes(scope).items():
            scope.shapes.setdefault(key, shape)
        result.message = f"gives the shape of {given.name}: {given.shape}"
        _add_notes(result, given.notes)
        return plan

    def _plan_step(self, reading: ClaimReading, index: int, scope: Scope, variables: list[str], budget: float) -> StepResult | StepRequest:
        """Return a step decided without SymPy (unparsed side, other relation), or a request to check it."""
        left, right = reading.sides[index], reading.sides[index + 1]
        for side in (left, right):
            if side.error is not None:
                token = side.error.token
                return StepResult(left.side.latex, right.side.latex, Verdict.UNPARSED, "parse", _located(token, reading.claim) + side.error.message)
        relation = reading.claim.other_relation
        if relation and (relation in left.side.latex or relation in right.side.latex):
            return StepResult(left.side.latex, right.side.latex, Verdict.INCONCLUSIVE, "relation", f"the relation '{relation}' is not checked; only '=' is")
        assert left.parsed is not None and right.parsed is not None
        seed = (self.options.seed * 1_000_003 + zlib.crc32(reading.claim.latex.encode("utf-8")) + index) % (2**31)
        return StepRequest(
            left.parsed.node, right.parsed.node, scope, reading.vector_names, variables, seed, budget, self.options.sizes,
            implicit_functions=reading.implicit_functions,
            # Other sides help read compositions; long chains skip them, which costs quadratic time.
            context=[side.parsed.node for side in reading.sides if side.parsed is not None] if len(reading.sides) <= 12 else [left.parsed.node, right.parsed.node],
            row_names=reading.row_names,
            lhs_latex=left.side.latex, rhs_latex=right.side.latex,
        )


MAX_DIRECTIVE_BUDGET = 30.0  # seconds per step a document's budget directive may set

# Words before a formula in prose that make it a definition for the rest of the section.
_DEFINING_WORDS = re.compile(
    r"\b(define|defines|let|given|suppose|consider|assume|denote|denotes|where|means that|expressed as|written as)\b",
    re.IGNORECASE,
)


class _ClaimPlan:
    """A claim whose steps are waiting for the runner."""

    def __init__(self, result: ClaimResult) -> None:
        self.result = result
        self.reading: ClaimReading | None = None
        self.expression = False  # a displayed expression: nothing to check
        self.omit = False  # not reported at all
        self.slots: list[StepResult | StepRequest] = []

    @property
    def requests(self) -> list[StepRequest]:
        return [slot for slot in self.slots if isinstance(slot, StepRequest)]

    def add_step(self, slot: StepResult | StepRequest) -> None:
        self.slots.append(slot)

    def finish(self, reports: Iterator[StepReport]) -> ClaimResult:
        """Fill in the step results from ``reports`` (in request order) and decide the claim."""
        result = self.result
        if result.directive == "skip" or result.verdict is Verdict.UNPARSED or self.expression:
            return result
        reading = self.reading
        assert reading is not None
        for slot in self.slots:
            if isinstance(slot, StepResult):
                result.steps.append(slot)
                continue
            report = next(reports)
            outcome = report.outcome
            message = outcome.message
            if report.error_line:
                message = f"{report.error_line}:{report.error_column}: {message}"
            result.steps.append(StepResult(
                slot.lhs_latex, slot.rhs_latex, outcome.verdict, outcome.method, message,
                outcome.counterexample, outcome.expected, report.seconds,
            ))
            _add_notes(result, report.notes)
        if reading.definitions and not result.steps:
            unparsed = [side for side in reading.sides if side.error is not None]
            if unparsed:
                error = unparsed[0].error
                assert error is not None
                result.verdict = Verdict.UNPARSED
                result.message = _located(error.token, reading.claim) + error.message
            else:
                result.verdict = Verdict.DEFINITION
                result.message = "defines " + ", ".join(definition.name for definition in reading.definitions)
            return result
        result.verdict = worst([step.verdict for step in result.steps])
        result.message = _claim_message(result, reading)
        return result


class _Pending:
    """Directives waiting for the next claim, and those that hold from here on."""

    def __init__(self) -> None:
        self.next: DirectiveSet | None = None

    def add(self, directive: Directive, scope: Scope) -> ClaimResult | None:
        try:
            parsed = parse_directive(directive.text)
        except DirectiveError as error:
            return ClaimResult(
                directive.path, directive.line, directive.line, directive.column, f"<!-- symcheck: {directive.text} -->",
                Verdict.UNPARSED, f"{directive.line}:{directive.column}: invalid directive: {error}",
            )
        scope.shapes.update(parsed.shapes)
        for name, assumptions in parsed.assumptions.items():
            scope.assumptions.setdefault(name, {}).update(assumptions)
        if parsed.skip or parsed.xfail is not None or parsed.budget is not None:
            if self.next is None:
                self.next = DirectiveSet()
            self.next.skip = self.next.skip or parsed.skip
            self.next.xfail = parsed.xfail if parsed.xfail is not None else self.next.xfail
            self.next.budget = parsed.budget or self.next.budget
        return None

    def take(self) -> DirectiveSet | None:
        taken, self.next = self.next, None
        return taken


def _file_size(path: str) -> int:
    import os

    return os.path.getsize(path)


def _located(token: object, claim: Claim) -> str:
    line = getattr(token, "line", claim.line)
    column = getattr(token, "column", claim.column)
    return f"{line}:{column}: "


def _claim_variables(reading: ClaimReading, scope: Scope) -> list[str]:
    """Names of the claim's variables: plain names that are neither functions nor defined."""
    from ..semantics.leaves import natural_key, symbol

    keys: set[str] = set()
    for side in reading.sides:
        if side.parsed is None:
            continue
        for name in names_in(side.parsed.node):
            key = Name(name.start, name.base, name.subscript, name.layer, name.accent).key()
            if key in scope.definitions or name.base.startswith("\\") and name.base in ("\\pi", "\\infty"):
                continue
            if name.base in ("sin", "cos", "tan", "exp", "log", "max", "min", "diag", "abs", "sign") or name.base == "e":
                continue
            keys.add(key)
    return sorted(keys, key=lambda key: natural_key(symbol(key)))


def _used_names(reading: ClaimReading) -> set[str]:
    used: set[str] = set()
    for side in reading.sides:
        if side.parsed is not None:
            used |= {name.key() for name in names_in(side.parsed.node)}
    return used


def _add_notes(result: ClaimResult, notes: list) -> None:
    seen = {(warning.line, warning.column, warning.code) for warning in result.warnings}
    for note in notes:
        key = (note.line, note.column, note.code)
        if key not in seen:
            seen.add(key)
            result.warnings.append(ClaimWarning(note.line, note.column, note.code, note.message))


def _claim_message(result: ClaimResult, reading: ClaimReading) -> str:
    steps = result.steps
    prefix = "defines " + ", ".join(d.name for d in reading.definitions) + "; " if reading.definitions else ""
    if not steps:
        return prefix + "nothing to check"
    bad = [(number, step) for number, step in enumerate(steps, start=1) if step.verdict is result.verdict]
    if result.verdict in (Verdict.PROVED, Verdict.NUMERIC):
        count = len(steps)
        noun = "step" if count == 1 else "steps"
        if result.verdict is Verdict.PROVED:
            return prefix + f"{count} {noun} proved"
        numeric = [step for step in steps if step.verdict is Verdict.NUMERIC]
        instantiated = [step for step in numeric if step.method == "instantiation"]
        parts = [f"{count - len(numeric)} proved"] if count > len(numeric) else []
        if instantiated:
            sizes = instantiated[0].message.split("at each size ", 1)[-1].split(", but", 1)[0]
            parts.append(f"{len(instantiated)} proved at each size tried ({sizes}) but not for every size")
        if len(numeric) > len(instantiated):
            parts.append(f"{len(numeric) - len(instantiated)} supported numerically")
        return prefix + f"{count} {noun}: " + "; ".join(parts)
    number, step = bad[0]
    where = f"step {number} of {len(steps)}" if len(steps) > 1 else "the step"
    located = re.match(r"^(\d+:\d+): (.*)$", step.message, re.DOTALL)
    if result.verdict is Verdict.UNPARSED and located:
        # An unparsed claim starts with where reading stopped.
        suffix = f"; {prefix.rstrip('; ')}" if prefix else ""
        return f"{located.group(1)}: {located.group(2)} (in {where}: {_short(step.lhs)} = {_short(step.rhs)}{suffix})"
    text = f"{where} ({_short(step.lhs)} = {_short(step.rhs)}): {step.message}"
    if step.counterexample is not None and step.counterexample.point:
        text += "; " + step.counterexample.describe()
    elif step.counterexample is not None and (step.counterexample.lhs_value or step.counterexample.rhs_value) and step.method != "shape":
        text += "; " + step.counterexample.describe()
    return prefix + text


def _short(latex: str, limit: int = 60) -> str:
    flat = " ".join(latex.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."
