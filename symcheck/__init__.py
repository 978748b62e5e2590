"""symcheck: check the mathematics in Markdown documents by re-deriving every step."""

__version__ = "0.1.0"
