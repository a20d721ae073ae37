"""Rasa store classes this project configures in endpoints*.yml."""
