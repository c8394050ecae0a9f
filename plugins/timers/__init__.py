"""Built-in plugin: timers (placeholder until implemented)."""
