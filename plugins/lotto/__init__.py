"""Built-in plugin: lotto (placeholder until implemented)."""
