"""Business logic of the service: everything that touches the store, out of the routes."""
