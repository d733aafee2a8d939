"""The national and provincial codes an identifier is checked against, as pure functions:
GB 32100 unified social credit codes (统一社会信用代码), GB 11714 organisation codes (组织机构代码),
GB/T 2260 division codes (行政区划代码) and Shandong's fixed source code (固定污染源编码, seed 002
annex 2)."""
