"""Shared test configuration: pytest's ``pytester`` fixture runs pytest on generated projects."""

pytest_plugins = ["pytester"]
