"""Built-in plugin: weather (placeholder until implemented)."""
