"""The answers page (admin only): FAQ answers and scoped replies, web and SMS text, beside their page passage."""
ROUTES = []
