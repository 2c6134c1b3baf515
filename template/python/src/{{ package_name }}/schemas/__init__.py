"""API schemas: the shapes of requests and responses."""
