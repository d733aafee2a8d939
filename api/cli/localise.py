"""The command line's help and usage errors in the reader's language, wrapped for the terminal.

:func:`localise` walks a command as it is built (:class:`api.cli.support.LazyCommands` calls it
for every command it resolves) and puts each help text in the current language — the Chinese
texts are :data:`api.cli.help_zh.HELP_ZH`, keyed by the English text written in the code — and
gives every command the short help of its whole first paragraph, so that a command list wraps the
text instead of cutting it mid-word (``announcin…``). :class:`HelpFormatter` wraps by display width
(a Chinese character takes two columns; a line may break between two of them but never inside an
English word) and writes the headings in Chinese. :func:`translated_usage` gives click's usage
errors (a missing option, an unknown one) in Chinese.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

from typer import _click as click
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer._click.utils import get_text_stream
from typer.core import TyperGroup

from api.language import current, t
from verify.help_text import translated

_HEADINGS = {"Usage": "用法", "Options": "选项", "Commands": "命令", "Arguments": "参数"}
# Closing punctuation never starts a line (a light 避头尾 rule).
_NO_LINE_START = set("，。、；：？！）》」』】”’,.;:?!)")


def normalised(text: str) -> str:
    """A help text with its whitespace collapsed: the key of :data:`HELP_ZH`."""
    return " ".join(text.split())


def translate_help(text: str | None) -> str | None:
    """``text`` in the current language (unchanged in English, or without a translation)."""
    if not text or current() != "zh":
        return text
    from api.cli.help_zh import HELP_ZH

    return HELP_ZH.get(normalised(text), text)


def first_paragraph(text: str) -> str:
    return normalised(text.strip().split("\n\n", 1)[0])


def localise(command: click.Command) -> click.Command:
    """``command`` and every command under it: help in the current language, short help whole,
    help written by :class:`HelpFormatter`."""
    command.context_class = Context
    command.help = translate_help(command.help)
    if command.help:
        command.short_help = first_paragraph(command.help)
    for param in command.params:
        help_text = getattr(param, "help", None)
        if help_text:
            param.help = translate_help(help_text)  # type: ignore[attr-defined]
    if isinstance(command, TyperGroup):
        for name, sub in list(command.commands.items()):
            command.commands[name] = localise(sub)
    return command


def width(text: str) -> int:
    """Display width: East Asian wide and full-width characters take two columns."""
    return sum(2 if _wide(c) else 1 for c in text)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def _tokens(paragraph: str) -> Iterator[tuple[str, bool]]:
    """(token, preceded by a space): an English word, or one wide character, each with the
    closing punctuation right after it."""
    word, space_before, pending_space = "", False, False
    bracket = False
    for index, char in enumerate(paragraph):
        if bracket:  # a short note of typer's, "[默认：0]", is never split
            word += char
            bracket = char != "]"
            continue
        closing = paragraph.find("]", index)
        if char == "[" and closing > 0 and not any(c.isspace() for c in paragraph[index:closing]):
            if word:
                yield word, space_before
                word = ""
            space_before, pending_space = pending_space, False
            word, bracket = char, True
            continue
        if char.isspace():
            if word:
                yield word, space_before
                word = ""
            pending_space = True
            continue
        if word and char in _NO_LINE_START:
            word += char
            continue
        if word and (_wide(char) or _wide(word[-1])):
            yield word, space_before
            word = ""
        if not word:
            space_before, pending_space = pending_space, False
        word += char
    if word:
        yield word, space_before


def wrap(text: str, columns: int) -> list[str]:
    """Paragraphs of ``text`` wrapped to ``columns`` display columns, blank lines between."""
    lines: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        line = ""
        for token, space in _tokens(paragraph):
            joined = f"{line} {token}" if line and space else line + token
            if line and width(joined) > columns:
                lines.append(line)
                line = token
            else:
                line = joined
        lines.append(line)
        lines.append("")
    return lines[:-1] if lines else [""]


class HelpFormatter(click.HelpFormatter):
    """click's help layout, wrapped by display width, with headings in the current language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix=t("Usage: ", "用法："))

    def write_heading(self, heading: str) -> None:
        if current() == "zh":
            self.write(f"{'':>{self.current_indent}}{_HEADINGS.get(heading, heading)}：\n")
        else:
            super().write_heading(heading)

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for line in wrap(text, max(self.width - self.current_indent, 20)):
            self.write(f"{indent}{line}\n" if line else "\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((width(first) for first, _ in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(_extras(second), max(self.width - first_col - self.current_indent, 10))
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        with super().section(name):
            yield


def _extras(text: str) -> str:
    """typer's ``[required]`` and ``[default: …]`` in the current language."""
    if current() != "zh":
        return text
    text = translate_help(text) or text
    return text.replace("[required]", "[必填]").replace("[default: ", "[默认：")


class Context(click.Context):
    """A context whose help is written by :class:`HelpFormatter`."""

    formatter_class = HelpFormatter


# -- usage errors ------------------------------------------------------------------------------
_USAGE_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), zh) for pattern, zh in (
        (r"^Missing option (?P<p>.+)\.$", r"缺少选项 \g<p>：请给出它（见 --help）。"),
        (r"^Missing argument (?P<p>.+)\.$", r"缺少参数 \g<p>：请给出它（见 --help）。"),
        (r"^Missing parameter: (?P<p>.+)$", r"缺少参数 \g<p>：请给出它（见 --help）。"),
        (r"^No such option: (?P<p>\S+) \(Possible options: (?P<m>.+)\)$",
         r"没有选项 \g<p>（可能是：\g<m>；见 --help）。"),
        (r"^No such option: (?P<p>\S+) Did you mean (?P<m>.+)\?$",
         r"没有选项 \g<p>（是不是 \g<m>？见 --help）。"),
        (r"^No such option: (?P<p>\S+)$", r"没有选项 \g<p>（见 --help）。"),
        (r"^No such command (?P<p>.+)\.$", r"没有命令 \g<p>（见 --help）。"),
        (r"^Option (?P<p>.+) requires an argument\.$", r"选项 \g<p> 需要一个值。"),
        (r"^Option (?P<p>.+) requires (?P<n>\d+) arguments\.$", r"选项 \g<p> 需要 \g<n> 个值。"),
        (r"^Got unexpected extra arguments? \((?P<a>.+)\)$", r"多余的参数：\g<a>。"),
        (r"^Invalid value for (?P<p>.+?): (?P<r>.+)$", r"\g<p> 的值无效：\g<r>"),
        (r"^'(?P<v>.+)' is not a valid int(?:eger)?\.$", r"“\g<v>”不是整数。"),
        (r"^'(?P<v>.+)' is not a valid float\.$", r"“\g<v>”不是数字。"),
        (r"^'(?P<v>.+)' is not a valid boolean\..*$", r"“\g<v>”不是是/否值。"),
        (r"^'(?P<v>.+)' is not a valid path\.$", r"“\g<v>”不是有效的路径。"),
        (r"^'(?P<v>.+)' is not one of (?P<c>.+)\.$", r"“\g<v>”不是以下之一：\g<c>。"),
        (r"^(?P<p>.+) is not one of (?P<c>.+)\.$", r"\g<p> 不是以下之一：\g<c>。"),
    ))


def usage_zh(message: str) -> str:
    """click's usage message in Chinese (the parts it does not know stay as they are)."""
    text = translated(_USAGE_ZH, message)
    # the inner part of "Invalid value for X: …" is itself one of click's messages
    inner = re.match(r"^(?P<p>.+) 的值无效：(?P<r>.+)$", text)
    if inner is not None and text != message:
        return f"{inner['p']} 的值无效：{usage_zh(inner['r'])}"
    return text


class TranslatedUsageError(UsageError):
    """A usage error shown in Chinese: the usage line, the hint, the message."""

    def __init__(self, original: UsageError) -> None:
        super().__init__(original.format_message(), original.ctx)
        self.exit_code = original.exit_code

    def show(self, file: IO[Any] | None = None) -> None:
        out = file if file is not None else get_text_stream("stderr")
        if self.ctx is not None:
            click.echo(self.ctx.get_usage(), file=out)
            click.echo(f"帮助：{self.ctx.command_path} --help", file=out)
        click.echo(f"spotcheck: {usage_zh(self.message)}", file=out)


def translated_usage(error: UsageError) -> UsageError:
    """``error`` as it should be shown in the current language."""
    if current() != "zh" or isinstance(error, TranslatedUsageError | NoArgsIsHelpError):
        return error  # a group named alone shows its help, already in Chinese
    return TranslatedUsageError(error)
