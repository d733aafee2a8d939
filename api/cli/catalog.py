"""The commands of ``spotcheck`` defined outside :mod:`api.cli.main`, loaded when named.

``spotcheck --help`` lists them from this table, and ``spotcheck draw …`` imports only
:mod:`api.cli.draw`: a command does not pay for building the other sixty (typer builds a command
from its function's signature when the command tree is built). A group's help text lives here
and the group is created from it; a single command's help is its docstring's first line, which
``tests/test_cli.py`` checks against this table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """Where a command is defined, and its one-line help."""

    module: str
    attribute: str
    help: str


COMMANDS: dict[str, Entry] = {
    "agency": Entry("api.cli.directories", "agency_app", "Agencies (执法机构) and their hierarchy."),
    "entities": Entry("api.cli.directories", "entities_app",
                      "The inspection-object directory (检查对象名录库)."),
    "inspectors": Entry("api.cli.directories", "inspectors_app",
                        "The inspector directory (执法检查人员名录库)."),
    "rulebook": Entry("api.cli.directories", "rulebook_app", "Rulebooks (规则手册): presets and adoption."),
    "plan": Entry("api.cli.directories", "plan",
                  "Compute and file the annual plan and quarterly quotas (年度计划、季度任务)."),
    "calendar": Entry("api.cli.draw", "calendar_app",
                      "Working-day calendars (法定节假日安排) that govern the draw windows."),
    "draw": Entry("api.cli.draw", "draw_app",
                  "The draw (双随机摇号): freeze, seed ceremony, run, fix, amend, disclose."),
    "record": Entry("api.cli.records", "record_app",
                    "Inspection records (检查记录): file, correct, show; recusal at the visit."),
    "rectify": Entry("api.cli.records", "rectify",
                     "An order to correct verified as done (整改完成); the last one lifts the special "
                     "supervision."),
    "disclose": Entry("api.cli.records", "disclose_app",
                      "Publication (结果公开): one result, or the whole list once visited."),
    "public": Entry("api.cli.records", "public_app",
                    "What a citizen may see (一公开): an agency's public pages, a search."),
    "project": Entry("api.cli.projections", "project_app", "Read models (投影): run, rebuild, status."),
    "quotas": Entry("api.cli.projections", "quotas",
                    "The quota and compliance table (抽查任务完成情况) of an agency, with the roll-up over "
                    "the agencies below it (prefecture, province)."),
    "report": Entry("api.cli.reports", "report_app",
                    "The seeds' quarterly forms (季度汇总表, 重点污染源随机抽查记录表)."),
    "work": Entry("api.cli.work", "work_app",
                  "Work views (工作视图): an agency's due and overdue steps, an officer's load."),
    "serve": Entry("api.cli.service", "serve",
                   "Run the HTTP service (OpenAPI at /openapi.json, interactive docs at /docs)."),
    "witness": Entry("api.cli.witness", "witness_app",
                     "This deployment as the witness (见证方) of the logs below it: key, logs, "
                     "status."),
    "users": Entry("api.cli.service", "users_app",
                   "The service's accounts (账号): operators, officers, witnesses, auditors."),
}
