"""Input channels: how patients' messages reach the Rasa server (wired in credentials.yml)."""
