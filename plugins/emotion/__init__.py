"""Built-in plugin: emotion (placeholder until implemented)."""
