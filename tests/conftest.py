"""Shared test configuration.

pytest's ``pytester`` fixture runs pytest on generated projects, and every test session gets a
verdict cache of its own, so tests neither read nor fill the user's cache folder.
"""

from __future__ import annotations

import os
import tempfile
from typing import Iterator

import pytest

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True, scope="session")
def isolated_cache() -> Iterator[None]:
    previous = os.environ.get("SYMCHECK_CACHE_DIR")
    with tempfile.TemporaryDirectory(prefix="symcheck-cache-") as folder:
        os.environ["SYMCHECK_CACHE_DIR"] = folder
        yield
    if previous is None:
        os.environ.pop("SYMCHECK_CACHE_DIR", None)
    else:
        os.environ["SYMCHECK_CACHE_DIR"] = previous
