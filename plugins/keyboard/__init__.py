"""Built-in plugin: keyboard (placeholder until implemented)."""
