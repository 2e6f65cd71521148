"""Omni Product: the product catalog, its GraphQL API and its read-through cache."""
