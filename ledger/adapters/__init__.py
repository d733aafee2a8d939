"""Adapters at the ledger's edge: settings from the environment, the eventsourcing event store,
the directory files agencies keep (CSV, .xlsx), the State Council holiday schedules
(法定节假日安排) from ``chinesecalendar``, and structured logging."""
