"""Fuzz campaign: run generated Markdown and LaTeX through the reader, the parser and the checker.

Every input comes from ``tests/fuzz_inputs.py`` with a seed derived from ``--seed`` and its
index, so any crash can be replayed from the printed seed. The reader and parser see every
input; every ``--checker-every``-th document also goes through the whole checker. The script
prints a Markdown summary: outcome counts, the slowest inputs, and each distinct crash with
its first input and traceback. With ``--output`` the crashes are also written as JSON.

    python benchmarks/fuzz_campaign.py --count 100000
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fuzz_inputs import random_latex, random_markdown  # noqa: E402

from symcheck.checking.checker import Checker  # noqa: E402
from symcheck.checking.runner import GRACE_SECONDS  # noqa: E402
from symcheck.checking.verdict import Verdict  # noqa: E402
from symcheck.config import Options  # noqa: E402
from symcheck.document.blocks import FormulaBlock  # noqa: E402
from symcheck.document.claims import claims_from_blocks  # noqa: E402
from symcheck.document.reader import read_text  # noqa: E402
from symcheck.notation.parser import ParseError, parse_side  # noqa: E402
from symcheck.notation.tokens import strip_layout, tokenize  # noqa: E402

LOCATED = re.compile(r"^\d+:\d+: ")
TIME_SLACK_SECONDS = 0.5  # sending a step to a worker and reading its result back
SLOWEST_KEPT = 5


@dataclass
class Problem:
    """One kind of failure: where it happened, how often, and the first input that caused it."""

    stage: str
    kind: str
    count: int = 0
    seed: int = 0
    text: str = ""
    detail: str = ""


@dataclass
class Campaign:
    counts: Counter = field(default_factory=Counter)
    problems: dict[tuple[str, str], Problem] = field(default_factory=dict)
    slowest: list[tuple[float, str, int]] = field(default_factory=list)  # (seconds, stage, seed)

    def problem(self, stage: str, kind: str, seed: int, text: str, detail: str) -> None:
        entry = self.problems.setdefault((stage, kind), Problem(stage, kind, seed=seed, text=text, detail=detail))
        entry.count += 1

    def crash(self, stage: str, error: BaseException, seed: int, text: str) -> None:
        frame = traceback.extract_tb(error.__traceback__)[-1]
        kind = f"{type(error).__name__} in {Path(frame.filename).name}:{frame.name}"
        self.problem(stage, kind, seed, text, traceback.format_exc(limit=-8))

    def timed(self, seconds: float, stage: str, seed: int) -> None:
        self.slowest.append((seconds, stage, seed))
        self.slowest.sort(reverse=True)
        del self.slowest[SLOWEST_KEPT:]


def read_and_parse(campaign: Campaign, seed: int, text: str) -> None:
    """Read ``text`` as Markdown, split its claims and parse every side."""
    started = time.monotonic()
    try:
        items = read_text(text, "fuzz.md")
        claims = claims_from_blocks([item for item in items if isinstance(item, FormulaBlock)])
    except Exception as error:  # noqa: BLE001 - every crash is recorded with its input
        campaign.crash("reader", error, seed, text)
        return
    campaign.counts["documents read"] += 1
    campaign.counts["formulas"] += sum(1 for item in items if isinstance(item, FormulaBlock))
    campaign.counts["claims"] += len(claims)
    for claim in claims:
        if claim.problem:
            # The checker reports these from the claim's own location and never parses them.
            campaign.counts["claims with a structural problem"] += 1
            continue
        for side in claim.sides:
            parse_tokens(campaign, seed, side.tokens, text)
    campaign.timed(time.monotonic() - started, "reader and parser", seed)


def parse_tokens(campaign: Campaign, seed: int, tokens: list, text: str) -> None:
    try:
        parse_side(tokens)
        campaign.counts["sides parsed"] += 1
    except ParseError:
        campaign.counts["sides rejected with ParseError"] += 1
    except Exception as error:  # noqa: BLE001 - every crash is recorded with its input
        campaign.crash("parser", error, seed, text)


def parse_formula(campaign: Campaign, seed: int, latex: str) -> None:
    """Tokenize and parse one formula directly, without the Markdown reader."""
    try:
        tokens = strip_layout(tokenize(latex))
    except Exception as error:  # noqa: BLE001 - every crash is recorded with its input
        campaign.crash("tokenizer", error, seed, latex)
        return
    parse_tokens(campaign, seed, tokens, latex)


def check_document(campaign: Campaign, checker: Checker, seed: int, text: str) -> None:
    """Check ``text`` end to end and record verdicts, crashes and broken promises."""
    budget = checker.options.budget
    started = time.monotonic()
    try:
        report = checker.check_text(text, "fuzz.md")
    except Exception as error:  # noqa: BLE001 - every crash is recorded with its input
        campaign.crash("checker", error, seed, text)
        return
    campaign.timed(time.monotonic() - started, "checker", seed)
    campaign.counts["documents checked"] += 1
    for claim in report.claims:
        campaign.counts[f"claims {claim.verdict.value}"] += 1
        if claim.verdict is Verdict.UNPARSED:
            unparsed = [step.message for step in claim.steps if step.verdict is Verdict.UNPARSED] or [claim.message]
            for message in unparsed:
                if not LOCATED.match(message):
                    campaign.problem("checker", "unparsed verdict without line:column", seed, text, message)
        for step in claim.steps:
            campaign.counts["steps"] += 1
            if step.seconds > budget + GRACE_SECONDS + TIME_SLACK_SECONDS:
                campaign.problem("checker", "step over its budget", seed, text, f"{step.seconds:.2f} s: {step.lhs} = {step.rhs}")
            if step.method == "error":
                first_line = step.message.splitlines()[0] if step.message else ""
                campaign.problem("checker", f"step failed: {first_line[:60]}", seed, text, step.message[:500])
            if step.method == "timeout":
                campaign.counts["steps timed out"] += 1


def run(arguments: argparse.Namespace) -> Campaign:
    campaign = Campaign()
    options = Options(budget=arguments.budget, cache=False, jobs=arguments.jobs)
    started = time.monotonic()
    with Checker(options) as checker:
        for index in range(arguments.count):
            seed = arguments.seed * 1_000_003 + index
            rng = random.Random(seed)
            text = random_markdown(rng)
            read_and_parse(campaign, seed, text)
            parse_formula(campaign, seed, random_latex(rng))
            if arguments.checker_every and index % arguments.checker_every == 0:
                check_document(campaign, checker, seed, text)
            if (index + 1) % 5000 == 0:
                print(f"{index + 1} inputs, {len(campaign.problems)} kinds of problem, {time.monotonic() - started:.0f} s", file=sys.stderr)
    campaign.counts["seconds"] = round(time.monotonic() - started)
    return campaign


def summary(campaign: Campaign, arguments: argparse.Namespace) -> str:
    lines = [
        f"Fuzz campaign: {arguments.count} generated documents and {arguments.count} formulas, seed {arguments.seed}; "
        f"every {arguments.checker_every}th document through the checker (budget {arguments.budget:g} s, {arguments.jobs} jobs).",
        "",
        "| Outcome | Count |",
        "|---|---:|",
    ]
    lines.extend(f"| {name} | {count} |" for name, count in sorted(campaign.counts.items()))
    lines.extend(["", "Slowest inputs:", ""])
    lines.extend(f"- {seconds:.2f} s in the {stage}, seed {seed}" for seconds, stage, seed in campaign.slowest)
    lines.append("")
    if not campaign.problems:
        lines.append("No crashes and no broken promises.")
    for problem in sorted(campaign.problems.values(), key=lambda item: -item.count):
        lines.extend([
            f"### {problem.stage}: {problem.kind} ({problem.count} inputs)",
            "",
            f"First input (seed {problem.seed}): `{problem.text[:300]!r}`",
            "",
            "```",
            problem.detail.strip()[-2000:],
            "```",
            "",
        ])
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="generated documents (and as many formulas); default 100000")
    parser.add_argument("--checker-every", type=int, default=50, help="check every Nth document end to end; 0 for none (default 50)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the campaign (default 0)")
    parser.add_argument("--budget", type=float, default=0.5, help="time budget per step in seconds (default 0.5)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes of the checker (default 1)")
    parser.add_argument("--output", type=Path, help="write the problems with their inputs to this JSON file")
    arguments = parser.parse_args()

    campaign = run(arguments)
    print(summary(campaign, arguments))
    if arguments.output is not None:
        data = [vars(problem) for problem in campaign.problems.values()]
        arguments.output.write_text(json.dumps({"counts": dict(campaign.counts), "problems": data}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
