"""The organisation: accounts, device tokens, districts, sites, assignments and scope."""
