"""Built-in plugin: help (placeholder until implemented)."""
