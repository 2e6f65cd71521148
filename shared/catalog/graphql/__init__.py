"""The storefront's GraphQL layer: schema, resolvers, per-request loaders, cost limits and
execution. It answers in GraphQL terms; HTTP statuses are chosen in ``functions/``."""
