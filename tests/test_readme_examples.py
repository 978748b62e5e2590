"""Run every ```python block of README.md, so the examples there keep working.

Each block runs on its own, in a fresh namespace and a temporary working folder, so every
example must import what it uses. A block fails the test when it raises, including through a
failing ``assert``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks(path: Path) -> list[tuple[int, str]]:
    """The (first line, source) of each fenced block whose info string is ``python``."""
    if not path.is_file():
        return []
    tokens = MarkdownIt("commonmark").parse(path.read_text(encoding="utf-8"))
    blocks = []
    for token in tokens:
        if token.type == "fence" and token.info.strip() == "python" and token.map is not None:
            blocks.append((token.map[0] + 2, token.content))
    return blocks


BLOCKS = python_blocks(README)


@pytest.mark.skipif(not BLOCKS, reason="README.md has no python examples")
@pytest.mark.parametrize(("line", "source"), BLOCKS, ids=[f"README.md:{line}" for line, _ in BLOCKS])
def test_readme_example(line: int, source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code = compile(source, f"README.md:{line}", "exec")
    exec(code, {"__name__": "__readme__"})  # noqa: S102 - the project's own README examples


def test_python_blocks_found(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# T\n\n```python\nx = 1\n```\n\n```bash\nls\n```\n\n```python\ny = 2\n```\n", encoding="utf-8")
    assert python_blocks(readme) == [(4, "x = 1\n"), (12, "y = 2\n")]


def test_python_blocks_missing_readme(tmp_path: Path) -> None:
    assert python_blocks(tmp_path / "README.md") == []
