"""ConfigHub: configuration CRUD with audit, the Spring Cloud Config API, change events."""
