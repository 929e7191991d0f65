"""The HTTP routes, one module per user-facing concern; thin: access, services, schemas."""
