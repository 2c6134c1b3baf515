"""Infrastructure shared by every layer: settings, database, security, errors, utilities."""
