"""The demo catalog: a deterministic generator, its vocabulary, and the seeder."""
