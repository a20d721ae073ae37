"""The clinic settings page (admin only): every fact of clinic.yml, checked, previewed, versioned."""
ROUTES = []
