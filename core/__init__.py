"""The AR engine: money, ledger, persistence, imports and the processor port. Knows no transport."""
