"""The pure core of channelhub: aggregates, rules and ports. Imports only the standard library."""
