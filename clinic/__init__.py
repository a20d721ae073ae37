"""Plain-Python knowledge of the clinic, shared by the NLU components and the action server.

Nothing here imports Rasa, so the action server and the tests stay light.
"""
