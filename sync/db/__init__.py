"""The database: opening it durably, transactions, and the schema as migrations."""
