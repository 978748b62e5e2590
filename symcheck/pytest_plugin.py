"""pytest plugin: collect the claims of Markdown math documents as test items."""
