"""Input channels (REST, SMS, website widget, health), checked at the edge (edge.py, safety_net.py).

Importing this package (Rasa does when it reads credentials.yml, before it makes the tracker
store or loads the model) applies rasa_fixes' safety fixes.
"""
import rasa_fixes

rasa_fixes.apply_safety()
