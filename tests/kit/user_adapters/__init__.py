"""Adapters a channelhub user wrote: the parrot SMS channel and a delivery queue."""
