"""Built-in plugin: smalltalk (placeholder until implemented)."""
