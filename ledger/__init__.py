"""The ledger (账本): the domain, the codes it checks, the transparency logs, the application
services and their adapters. It imports :mod:`verify` (the formats) and nothing else of ours:
neither :mod:`projections` nor :mod:`api` (``tests/test_layers.py``)."""
