"""Custom Rasa NLU components (graph components listed in config.yml).

Importing this package (Rasa does, whenever it loads one of our models) also applies rasa_fixes.
"""
import rasa_fixes

rasa_fixes.apply_safety()
rasa_fixes.apply_speed()
