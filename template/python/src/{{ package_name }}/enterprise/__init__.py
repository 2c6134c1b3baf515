"""Enterprise features: audit log, personal data (GDPR), rate limiting, threat detection."""
