"""What every ``spotcheck`` command shares: one-line errors and an opened ledger."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

import typer
import typer.main
from typer import _click as click
from typer._click.exceptions import UsageError
from typer.core import TyperGroup

if TYPE_CHECKING:
    from ledger.services.ledger import Ledger

from api.cli.localise import Context, localise, translate_help, translated_usage
from api.errors import EXIT_STATUS, exit_status
from api.language import ENV_VAR, LANGS, current, parse, t, use, using
from ledger.errors import SpotcheckError

#: Exit status of a command that failed for a reason it could name.
EXIT_ERROR = EXIT_STATUS["invalid"]


class LazyCommands(TyperGroup):
    """The root group: its own commands, and those of :data:`api.cli.catalog.COMMANDS`, each
    imported and built only when it is named (its help listed from the catalog).

    It also settles the language (:mod:`api.language`) before anything is printed: ``--lang``
    anywhere on the line (before ``--``), else ``SPOTCHECK_LANG``, else Chinese; every command
    it resolves is then localised (:func:`api.cli.localise.localise`)."""

    context_class = Context

    def main(self, *args: Any, **kwargs: Any) -> Any:
        with using(current()):  # the language settled for this run ends with it
            return super().main(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            rest = settle_language(args)
            self.help = translate_help(self.help)
            return super().parse_args(ctx, rest)
        except UsageError as exc:
            raise translated_usage(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            raise translated_usage(exc) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        from api.cli.catalog import COMMANDS

        return [*super().list_commands(ctx), *COMMANDS]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from api.cli.catalog import COMMANDS

        entry = COMMANDS.get(cmd_name)
        if entry is None:
            own = super().get_command(ctx, cmd_name)
            return None if own is None else localise(own)
        found = getattr(importlib.import_module(entry.module), entry.attribute)
        if isinstance(found, typer.Typer):
            command: click.Command = typer.main.get_group(found)
        else:
            single = typer.Typer(rich_markup_mode=None, add_completion=False)
            single.command(cmd_name)(found)
            command = typer.main.get_command(single)
        command.name = cmd_name
        return localise(command)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from api.cli.catalog import COMMANDS

        rows = []
        for name in self.list_commands(ctx):
            entry = COMMANDS.get(name)
            if entry is not None:
                rows.append((name, translate_help(entry.help) or ""))
                continue
            command = super().get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, translate_help(command.get_short_help_str(limit=1000)) or ""))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def settle_language(args: list[str]) -> list[str]:
    """Use the language ``--lang`` names anywhere in ``args`` (before ``--``), else
    ``SPOTCHECK_LANG``, else Chinese; ``args`` without the ``--lang`` options, one kept first
    for the root's own option."""
    import os

    rest: list[str] = []
    chosen: str | None = None
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest += args[index:]
            break
        if arg == "--lang" and index + 1 < len(args):
            chosen = args[index + 1]
            index += 2
            continue
        if arg.startswith("--lang="):
            chosen = arg.partition("=")[2]
        else:
            rest.append(arg)
        index += 1
    from_env = os.environ.get(ENV_VAR, "").strip()
    lang = parse(chosen) if chosen is not None else (parse(from_env) if from_env else "zh")
    if lang is None:
        use("zh")
        source = "--lang" if chosen is not None else ENV_VAR
        raise UsageError(
            f"{source}: {chosen if chosen is not None else from_env!r} is not one of "
            f"{', '.join(LANGS)} (zh: 简体中文, en: English)")
    use(lang)
    return ["--lang", lang, *rest] if chosen is not None else rest


def command_group(help: str, **options: Any) -> typer.Typer:
    """A group of commands. Help is plain click text (words wrapped whole, no rich: quicker to
    start and readable in a narrow terminal)."""
    return typer.Typer(help=help, no_args_is_help=True, rich_markup_mode=None, add_completion=False,
                       **options)


def synced(ledger: Ledger) -> str:
    """Log what was just written, signing the logs whose keys are here; name those that are not."""
    result = ledger.sync(require_keys=False)
    text = t(f"; {result.new_leaves} event(s) logged", f"；已记入日志 {result.new_leaves} 个事件")
    if result.unsigned:
        text += t(f" (not signed here, no key: log {', '.join(result.unsigned)}; "
                  "`spotcheck keys init --log CODE` creates one)",
                  f"（本机没有密钥，未签名：日志 {', '.join(result.unsigned)}；"
                  "可用 `spotcheck keys init --log 区划代码` 创建）")
    return text


def print_value(value: Any, as_json: bool, text: Callable[[Any], str]) -> None:
    """``value`` as indented JSON, or as ``text(value)`` for people."""
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2) if as_json else text(value))


def fail(message: str, status: int = EXIT_ERROR) -> NoReturn:
    """Print ``spotcheck: <message>`` on standard error, in the reader's language
    (:func:`api.error_text.text`), and exit with ``status`` (2)."""
    from api.error_text import text
    say(text(message))
    raise typer.Exit(status)


def say(message: str) -> None:
    """``spotcheck: <message>`` on standard error, as written."""
    typer.echo(f"spotcheck: {message}", err=True)


def fail_with(error: SpotcheckError) -> NoReturn:
    """An expected error: its one line in the reader's language and the exit status its kind
    maps to."""
    from api.error_text import message
    say(message(error))
    raise typer.Exit(exit_status(error))


@contextmanager
def expected_errors() -> Iterator[None]:
    """Any expected error raised inside becomes its one-line failure."""
    from eventsourcing.application import AggregateNotFoundError
    try:
        yield
    except SpotcheckError as exc:
        fail_with(exc)
    except AggregateNotFoundError as exc:
        say(t(f"not found: {exc}", "未找到所指的对象：请核对统一社会信用代码、执法证号或抽查编号"
              "（list 命令可列出已有的）"))
        raise typer.Exit(EXIT_ERROR) from None


@contextmanager
def opened_ledger() -> Iterator[Ledger]:
    """The ledger of ``SPOTCHECK_DB``; any expected error becomes a one-line failure."""
    from api.bootstrap import open_ledger
    from ledger.adapters.settings import Settings
    ledger = None
    try:
        with expected_errors():
            ledger = open_ledger(Settings.from_environ())
            yield ledger
    finally:
        if ledger is not None:
            ledger.close()


def stop_signal(max_seconds: float | None) -> Callable[[], bool]:
    """``should_stop`` for a worker: SIGTERM was received, or ``max_seconds`` passed (counted
    from now: after the ledger is open)."""
    import signal
    import time

    stopping: list[bool] = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    return lambda: bool(stopping) or (deadline is not None and time.monotonic() >= deadline)


@contextmanager
def leading(settings: Any, key: int, interval: float, should_stop: Callable[[], bool]
            ) -> Iterator[Callable[[], bool] | None]:
    """Lead the worker ``key`` (the sequencer, the projections): wait while another process
    leads, then yield the ``should_stop`` to run with — it also stops if leadership is lost —, or
    None when told to stop before leading."""
    import time

    from ledger.adapters.leadership import Leadership

    with expected_errors(), Leadership(settings, key) as lead:
        def waiting() -> None:
            typer.echo(t(f"spotcheck: another process leads the {lead.name}; waiting to take over",
                         f"spotcheck: 另一个进程正在主导 {lead.name}；等待接管"), err=True)

        if not lead.wait(interval, should_stop, waiting):
            yield None
            return
        typer.echo(t(f"spotcheck: this process leads the {lead.name}",
                     f"spotcheck: 本进程主导 {lead.name}"), err=True)
        checked = [time.monotonic()]

        def stop() -> bool:
            if time.monotonic() - checked[0] >= 1.0:
                checked[0] = time.monotonic()
                if not lead.still_held():
                    say(t(f"the {lead.name}'s lock was lost (the database connection dropped); "
                          "stopped so that another process can lead",
                          f"{lead.name} 的锁已丢失（数据库连接中断）；已停止，以便另一个进程主导"))
                    raise typer.Exit(EXIT_ERROR)
            return should_stop()

        yield stop


def run_worker(settings: Any, key: int, interval: float, max_seconds: float | None,
               work: Callable[[Callable[[], bool]], int]) -> int:
    """Run ``work(should_stop)`` as the leader of worker ``key`` until SIGTERM or ``max_seconds``;
    the count it returns, -1 when interrupted (Ctrl-C), -2 when it never led."""
    with leading(settings, key, interval, stop_signal(max_seconds)) as stop:
        if stop is None:
            return -2
        try:
            return work(stop)
        except KeyboardInterrupt:
            return -1


def stopped(total: int, unit: str) -> str:
    """``; 12 event(s) integrated this run`` (or that it never led)."""
    if total == -2:
        return t("; it never led", "；本进程未曾主导")
    return t(f"; {total} {unit} this run", f"；本次运行 {total} {unit}") if total >= 0 else ""
