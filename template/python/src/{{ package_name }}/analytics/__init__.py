"""Analytics: typed events (events/), their storage (tracking/), reports on orders (reporting/)."""
