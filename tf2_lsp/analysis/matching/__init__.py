"""Which rules a use matches: references, calls, argument conditions."""
