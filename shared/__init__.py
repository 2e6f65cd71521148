"""The domain package of the commerce platform: bounded contexts, ports and adapters."""
