"""The application layer (应用服务): use cases that load aggregates, apply the rules and save, each
in one transaction — the ledger application, the open ledger and its sync, the draw ceremony,
inspections and publication, directory imports, the directory view and the audit-bundle export."""
