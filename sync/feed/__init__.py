"""The event feed an integration follows, and its webhook deliveries."""
