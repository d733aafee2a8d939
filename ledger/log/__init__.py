"""The transparency logs (透明日志) over the stored events: the log store, routing of aggregates to
their agency's log, the sequencer (定序器), signed checkpoints (签名检查点), proofs and the log keys.
The formats themselves are :mod:`verify`'s."""

#: The deployment's own log, for aggregates that belong to no agency.
DEFAULT_LOG = "ledger"
