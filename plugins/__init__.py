"""Built-in plugins, installed as ``assistant_plugins``.

Each sub-package is one plugin, registered through the ``assistant`` entry-point
group in pyproject.toml exactly like a third-party plugin.
"""
