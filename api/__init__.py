"""FastAPI service and public pages. Grown by later issues."""
