"""Call-back requests: understanding the patient's answers, storing them, telling the front desk.

Plain Python (no Rasa): used by the action server and by the staff command line
(`python -m callbacks --help`).
"""
