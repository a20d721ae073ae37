"""Publish (admin only): train a candidate, gate it, release it to every Rasa server, roll back; and the model server."""
ROUTES = []
