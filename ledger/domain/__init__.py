"""The domain (领域模型): aggregates and their rules as plain Python, no I/O.

Agencies (执法机构) with their rulebooks (抽查规则), plans (年度计划) and holiday schedules; the two
directories (两库): inspection objects (检查对象) and inspectors (执法检查人员); the draw (摇号) and
the inputs it freezes; the inspection (检查) and its record (检查记录); deadlines in working days;
masking for publication (信息公开脱敏). Every aggregate is a hash-chained eventsourcing aggregate
(:mod:`ledger.domain.chained`) whose event types are part of the ledger format.
"""
