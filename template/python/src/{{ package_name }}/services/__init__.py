"""Business rules. Services raise business exceptions and never see HTTP."""
