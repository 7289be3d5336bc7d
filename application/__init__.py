"""Use cases. Imports only `domain`; knows no transport, database or provider library."""
