"""Custom Rasa NLU components (graph components listed in config.yml)."""
