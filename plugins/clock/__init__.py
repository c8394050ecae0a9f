"""Built-in plugin: clock (placeholder until implemented)."""
