"""Tests for adapters written against channelhub's contract kit, as a user of the library."""
