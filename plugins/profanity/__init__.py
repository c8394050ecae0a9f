"""Built-in plugin: profanity (placeholder until implemented)."""
