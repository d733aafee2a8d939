"""Not production code: the demo county and its quarter (``spotcheck demo``), the synthetic
province generator and the province-year writer used by the benchmarks and tests. Everything here
writes through the application services, like any operator."""
