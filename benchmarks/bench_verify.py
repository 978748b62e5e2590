"""Measure how fast ``symcheck verify`` is, relative to importing SymPy and NumPy.

Figures, each the median of ``--repetitions`` runs in fresh processes unless noted:

- cold ratio: ``symcheck verify formulas/neural-network-math.md --no-cache`` wall time divided
  by ``python -c "import sympy, numpy"`` wall time;
- cached ratio: the same verify with a filled verdict cache, divided by the import time;
- throughput: claims per second over a corpus copied into a temporary folder and repeated to
  at least ``--claims`` claims, checked in one warm process (imports done, workers started,
  cache off) with 1 and with 2 jobs, one run each. The corpus is formulas/*.md, plus the
  Markdown files of the optional folder ../shared/corpus next to the repository;
- the slowest single step of the cold run against its time budget, and where the cold time
  goes: imports, steps (largest claims first) and the rest;
- with ``--memory``, the peak resident size of ``symcheck verify`` on two generated 10 MB
  documents, one of prose with a formula every 200 paragraphs and one of short paragraphs
  with three inline formulas each.

The script prints a Markdown table and, with ``--write``, replaces the "Verification speed"
section of docs/benchmarks.md. ``--profile`` adds the largest import times and a cProfile of
the step checks of the document run in this process.

    python benchmarks/bench_verify.py --write
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
DOCUMENT = REPOSITORY / "formulas" / "neural-network-math.md"
SHARED_CORPUS = REPOSITORY.parent / "shared" / "corpus"
BENCHMARKS_PAGE = REPOSITORY / "docs" / "benchmarks.md"
SECTION_TITLE = "## Verification speed"
TARGETS = {"cold ratio": 1.5, "cached ratio": 1.2, "claims per second with 2 jobs": 50.0}


def symcheck_command() -> list[str]:
    script = shutil.which("symcheck")
    return [script] if script else [sys.executable, "-m", "symcheck"]


def wall_time(command: list[str], environment: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
    return time.perf_counter() - started


def median_time(command: list[str], repetitions: int, environment: dict[str, str] | None = None) -> float:
    return statistics.median(wall_time(command, environment) for _ in range(repetitions))


def corpus_files(folder: Path, minimum_claims: int) -> tuple[list[Path], list[str]]:
    """Copy the corpus into ``folder`` as often as needed for ``minimum_claims`` claims."""
    from symcheck.document.blocks import FormulaBlock
    from symcheck.document.claims import claims_from_blocks
    from symcheck.document.reader import read_text

    sources = sorted((REPOSITORY / "formulas").glob("*.md"))
    if SHARED_CORPUS.is_dir():
        sources += sorted(SHARED_CORPUS.glob("*.md"))
    counts = {}
    for source in sources:
        text = source.read_text(encoding="utf-8")
        counts[source] = len(claims_from_blocks([item for item in read_text(text) if isinstance(item, FormulaBlock)]))
    total = sum(counts.values())
    copies = max(1, -(-minimum_claims // max(1, total)))
    files = []
    for copy in range(copies):
        for source in sources:
            target = folder / f"{copy:02d}-{source.name}"
            shutil.copyfile(source, target)
            files.append(target)
    return files, [source.name for source in sources]


def throughput(files: list[Path], jobs: int) -> tuple[float, float, int, int]:
    """Check ``files`` in a warm Checker; return claims per second, steps per second and the counts."""
    from symcheck.checking.checker import Checker
    from symcheck.config import Options

    with Checker(Options(jobs=jobs, cache=False)) as checker:
        checker.check_text("$$(a + 1)^2 = a^2 + 2a + 1$$\n\n$$(b + 1)^2 = b^2 + 2b + 1$$", "warm-up.md")
        started = time.perf_counter()
        reports = [checker.check_file(str(path)) for path in files]
        elapsed = time.perf_counter() - started
    claims = sum(len(report.claims) for report in reports)
    steps = sum(len(claim.steps) for report in reports for claim in report.claims)
    return claims / elapsed, steps / elapsed, claims, steps


def slowest_step(report_path: Path) -> tuple[float, int, str]:
    data = json.loads(report_path.read_text(encoding="utf-8"))
    steps = [
        (step["seconds"], claim["line"], f"{step['lhs'][:40]} = {step['rhs'][:40]}")
        for file in data["files"] for claim in file["claims"] for step in claim["steps"]
    ]
    return max(steps)


def step_seconds_by_claim(report_path: Path) -> list[tuple[float, int]]:
    """Return the total step time of each claim of the report, largest first, with its line."""
    data = json.loads(report_path.read_text(encoding="utf-8"))
    totals = [(sum(step["seconds"] for step in claim["steps"]), claim["line"]) for file in data["files"] for claim in file["claims"]]
    return sorted(totals, reverse=True)


def memory_documents(folder: Path) -> dict[str, Path]:
    """Write the two generated 10 MB documents of ``--memory`` into ``folder``."""
    paragraph = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. " * 4
    prose, inline = [], []
    size = index = 0
    while size < 10_000_000:
        index += 1
        if index % 200 == 0:
            part = f"## Part {index}\n\nInline $a_{{{index}}} + 1 = 1 + a_{{{index}}}$.\n\n$$(x + {index % 7})^2 = x^2 + {2 * (index % 7)}x + {(index % 7) ** 2}$$\n\n"
        else:
            part = paragraph + "\n\n"
        prose.append(part)
        size += len(part)
    size = index = 0
    while size < 10_000_000:
        index += 1
        part = f"Let $x_{{{index}}}$ and $y^{{{index}}}$ be given, with $z$.\n\n"
        inline.append(part)
        size += len(part)
    paths = {"prose with a formula every 200 paragraphs": folder / "prose.md", "three inline formulas per paragraph": folder / "inline.md"}
    for path, parts in zip(paths.values(), (prose, inline)):
        path.write_text("".join(parts), encoding="utf-8")
    return paths


def peak_memory(path: Path) -> tuple[float, float]:
    """Return the peak resident size in MB and the wall time of ``symcheck verify`` on ``path``."""
    measure = (
        "import resource, subprocess, sys, time\n"
        "started = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], capture_output=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.perf_counter() - started)\n"
    )
    run = subprocess.run([sys.executable, "-c", measure, *symcheck_command(), "verify", str(path), "--no-cache", "-q"], capture_output=True, text=True, check=True)
    kilobytes, seconds = run.stdout.split()
    return int(kilobytes) / 1024, float(seconds)


def import_profile(limit: int = 8) -> str:
    """Return the largest cumulative import times of ``import symcheck.cli, symcheck.checking.checker``."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import symcheck.cli, symcheck.checking.checker"],
        capture_output=True, text=True, check=False,
    )
    rows = []
    for line in run.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if match and len(match.group(3)) <= 3:  # top-level imports and their direct children
            rows.append((int(match.group(2)), match.group(4)))
    rows.sort(reverse=True)
    return "\n".join(f"    {microseconds / 1000:8.1f} ms  {name}" for microseconds, name in rows[:limit])


def step_profile(limit: int = 15) -> str:
    """Return a cProfile of checking the document's steps in this process."""
    from symcheck.checking.checker import Checker
    from symcheck.checking.step import check_step
    from symcheck.config import Options

    profile = cProfile.Profile()
    with Checker(Options(cache=False)) as checker:
        checker.runner.run = lambda requests: [check_step(request) for request in requests]  # type: ignore[method-assign]
        profile.enable()
        checker.check_file(str(DOCUMENT))
        profile.disable()
    stream = io.StringIO()
    pstats.Stats(profile, stream=stream).sort_stats("cumulative").print_stats(limit)
    return stream.getvalue()


def versions() -> str:
    import mpmath
    import numpy
    import sympy

    import symcheck

    return (
        f"Python {platform.python_version()}, symcheck {symcheck.__version__}, SymPy {sympy.__version__}, "
        f"mpmath {mpmath.__version__}, NumPy {numpy.__version__}"
    )


def measure(arguments: argparse.Namespace) -> dict[str, object]:
    command = symcheck_command()
    results: dict[str, object] = {"load": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        environment = dict(os.environ, SYMCHECK_CACHE_DIR=str(folder / "cache"))
        report = folder / "report.json"

        import_seconds = median_time([sys.executable, "-c", "import sympy, numpy"], arguments.repetitions)
        results["symcheck_import_seconds"] = median_time([sys.executable, "-c", "import symcheck.cli, symcheck.checking.checker"], arguments.repetitions)
        cold = median_time([*command, "verify", str(DOCUMENT), "--no-cache", "--format", "json", "-o", str(report)], arguments.repetitions, environment)
        wall_time([*command, "verify", str(DOCUMENT), "-q"], environment)  # fills the cache
        cached = median_time([*command, "verify", str(DOCUMENT), "-q"], arguments.repetitions, environment)
        results.update(import_seconds=import_seconds, cold_seconds=cold, cached_seconds=cached)
        results["slowest_step"] = slowest_step(report)
        results["claim_step_seconds"] = step_seconds_by_claim(report)

        corpus = folder / "corpus"
        corpus.mkdir()
        files, names = corpus_files(corpus, arguments.claims)
        results["corpus"] = names
        results["corpus_files"] = len(files)
        for jobs in (1, 2):
            results[f"throughput_{jobs}"] = throughput(files, jobs)

        if arguments.memory:
            results["memory"] = {name: peak_memory(path) for name, path in memory_documents(folder).items()}
    return results


def table(results: dict[str, object], repetitions: int) -> str:
    from symcheck.config import Options

    import_seconds = float(results["import_seconds"])  # type: ignore[arg-type]
    cold = float(results["cold_seconds"])  # type: ignore[arg-type]
    cached = float(results["cached_seconds"])  # type: ignore[arg-type]
    seconds, line, step = results["slowest_step"]  # type: ignore[misc]
    claims_1, steps_1, claims, steps = results["throughput_1"]  # type: ignore[misc]
    claims_2, steps_2, _, _ = results["throughput_2"]  # type: ignore[misc]
    budget = Options().budget

    def verdict(value: float, target: float, lower_is_better: bool) -> str:
        met = value <= target if lower_is_better else value >= target
        if met:
            return "met"
        factor = value / target if lower_is_better else target / value
        return f"missed by a factor of {factor:.1f}"

    rows = [
        ("`python -c \"import sympy, numpy\"`", f"{import_seconds:.2f} s", "", ""),
        ("cold `verify neural-network-math.md --no-cache`", f"{cold:.2f} s", "", ""),
        ("cold ratio (verify / import)", f"{cold / import_seconds:.1f}", f"<= {TARGETS['cold ratio']}", verdict(cold / import_seconds, TARGETS["cold ratio"], True)),
        ("cached re-run of the same verify", f"{cached:.2f} s", "", ""),
        ("cached ratio (re-run / import)", f"{cached / import_seconds:.2f}", f"<= {TARGETS['cached ratio']}", verdict(cached / import_seconds, TARGETS["cached ratio"], True)),
        (f"claims per second, 1 job ({claims} claims, {steps} steps)", f"{claims_1:.1f} ({steps_1:.1f} steps/s)", "", ""),
        ("claims per second, 2 jobs", f"{claims_2:.1f} ({steps_2:.1f} steps/s)", f">= {TARGETS['claims per second with 2 jobs']:g}", verdict(claims_2, TARGETS["claims per second with 2 jobs"], False)),
        (f"slowest step (line {line}: `{step}`)", f"{seconds:.2f} s", f"budget {budget:g} s", "within budget" if seconds <= budget + 0.5 else "over budget"),
    ]
    lines = [
        f"Medians of {repetitions} runs in fresh processes (throughput: one warm run each).",
        "",
        "| measurement | value | target | result |",
        "|---|---:|---:|---|",
    ]
    lines.extend(f"| {name} | {value} | {target} | {result} |" for name, value, target, result in rows)
    return "\n".join(lines)


def breakdown(results: dict[str, object]) -> list[str]:
    """Return bullet lines that split the cold verify time into imports, steps and the rest."""
    cold = float(results["cold_seconds"])  # type: ignore[arg-type]
    imports = float(results["symcheck_import_seconds"])  # type: ignore[arg-type]
    claims: list[tuple[float, int]] = results["claim_step_seconds"]  # type: ignore[assignment]
    steps = sum(seconds for seconds, _ in claims)
    largest = ", ".join(f"line {line}: {seconds:.2f} s" for seconds, line in claims[:3])
    lines = [
        "Where the cold verify time goes (one worker, so the steps run one after another):",
        "",
        f"- {imports:.2f} s to start Python and import symcheck's command line and checker, SymPy included;",
        f"- {steps:.2f} s in the steps, wall time per step in the worker; the largest claims are {largest};",
        f"- {max(0.0, cold - imports - steps):.2f} s for the rest: reading and planning, starting the worker, writing the report.",
    ]
    memory: dict[str, tuple[float, float]] | None = results.get("memory")  # type: ignore[assignment]
    if memory:
        lines.extend(["", "Peak resident size of `symcheck verify --no-cache` (the process and its workers) on generated 10 MB documents:", ""])
        lines.extend(f"- {name}: {megabytes:.0f} MB, {seconds:.0f} s" for name, (megabytes, seconds) in memory.items())
    return lines


def section(results: dict[str, object], repetitions: int) -> str:
    names = results["corpus"]  # type: ignore[assignment]
    own = [name for name in names if (REPOSITORY / "formulas" / name).exists()]  # type: ignore[union-attr]
    corpus = ", ".join(f"formulas/{name}" for name in own) + f" and {len(names) - len(own)} other Markdown documents"  # type: ignore[arg-type]
    return "\n".join([
        SECTION_TITLE,
        "",
        "Script: `benchmarks/bench_verify.py` (run as `python benchmarks/bench_verify.py --write`;",
        "`--profile` adds import and step profiles).",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()}; {versions()}.",
        f"Load average over the minute before the run: {results['load']:.2f} (other processes share the cores).",
        f"Corpus for throughput: {corpus}, copied {results['corpus_files']} files in all.",
        "",
        table(results, repetitions),
        "",
        *breakdown(results),
        "",
    ])


def write_section(text: str) -> None:
    """Replace the Verification speed section of docs/benchmarks.md, or append it."""
    page = BENCHMARKS_PAGE.read_text(encoding="utf-8") if BENCHMARKS_PAGE.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(SECTION_TITLE)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(page):
        page = pattern.sub(lambda _: text + "\n", page, count=1)
    else:
        page = page.rstrip("\n") + "\n\n" + text
    BENCHMARKS_PAGE.write_text(page.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=5, help="runs per timed command (default 5)")
    parser.add_argument("--claims", type=int, default=300, help="minimum claims in the throughput corpus (default 300)")
    parser.add_argument("--write", action="store_true", help="replace the Verification speed section of docs/benchmarks.md")
    parser.add_argument("--profile", action="store_true", help="also print import times and a profile of the step checks")
    parser.add_argument("--memory", action="store_true", help="also measure peak memory on two generated 10 MB documents (about a minute)")
    arguments = parser.parse_args()

    results = measure(arguments)
    text = section(results, arguments.repetitions)
    print(text)
    if arguments.write:
        write_section(text)
    if arguments.profile:
        print("Largest imports of symcheck.cli and the checker:\n" + import_profile())
        print("Step checks of the document in one process:\n" + step_profile())


if __name__ == "__main__":
    main()
