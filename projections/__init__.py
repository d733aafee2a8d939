"""Read models rebuilt from the ledger's events (quota tables, public views). Grown by later issues."""
