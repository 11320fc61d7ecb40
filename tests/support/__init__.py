"""Stand-ins, fixtures builders and helpers shared by the test modules."""
