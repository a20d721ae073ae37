"""Response generation inside the Rasa server (endpoints.yml `nlg:`)."""
