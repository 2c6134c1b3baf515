"""HTTP layer: routes, request parsing, dependencies."""
