"""Where the catalog's products, categories and brands come from: the CatalogSource port,
the local source (a DocumentStore container this app owns) and commercetools."""
