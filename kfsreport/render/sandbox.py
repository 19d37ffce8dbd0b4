"""Jinja's immutable sandbox with limits on what an expression or a template may build.

The same rules hold for `{{ … }}` in chapters and facts and for the page templates (the
package's and a report's own `templates/`): no Python internals (Jinja's sandbox), no
changing data (the immutable sandbox), and no value larger than `max_text` characters:
repetition, powers, `%` and `format` widths, `center`/`indent`/`replace`/`join` and the
string methods that pad are checked before they run, so `"x"|center(999999999)` is refused
instead of allocating a gigabyte. A `LimitError` carries a Swedish message.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import filters as jinja_filters
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_TEXT = 100_000
"""The longest text an expression may build (`"x" * 10**15` is refused, not attempted)."""

MAX_EXPONENT = 100
MAX_ITERATIONS = 1_000_000
"""Turns of all `{% for %}` loops together in one environment (one build's templates)."""


class LimitError(SecurityError):
    """Something an expression or template may not build; the message is Swedish."""


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_NUMBER = re.compile(r"\d+")


class _LimitedConcat(CodeGenerator):
    """`a ~ b` checked like `a + b`: the joined text may not exceed the limit, so a loop that
    doubles a text each turn stops at the limit."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.checked(")
        super().visit_Concat(node, frame)
        self.write(")")


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with every operation that can make a large value bounded."""

    max_text = MAX_TEXT
    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = _LimitedConcat

    max_iterations = MAX_ITERATIONS

    def __init__(
        self, *args: Any, max_text: int | None = None, max_iterations: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if max_text is not None:
            self.max_text = max_text
        if max_iterations is not None:
            self.max_iterations = max_iterations
        self.iterations = 0
        limit = self
        self.filters.update(
            format=lambda value, *a, **k: jinja_filters.do_format(limit.checked_percent(value), *a, **k),
            center=lambda value, width=80: limit.padded(str(value), width).center(width),
            indent=_limited_indent(self),
            replace=_limited_replace(self),
            join=_limited_join(self),
            wordwrap=_limited_wordwrap(self),
            batch=lambda value, linecount, fill_with=None: jinja_filters.do_batch(
                value, limit.count(linecount), fill_with
            ),
            slice=lambda value, slices, fill_with=None: jinja_filters.do_slice(
                value, limit.count(slices), fill_with
            ),
        )

    # --- checks --------------------------------------------------------------------------

    def fail(self, what: str) -> LimitError:
        return LimitError(f"{what}; det som byggs får vara högst {self.max_text:_} tecken".replace("_", " "))

    def checked(self, value: Any) -> Any:
        """`value`, if it is not text or a list longer than the limit."""
        if isinstance(value, (str, list, tuple)) and len(value) > self.max_text:
            raise self.fail("för lång text")
        return value

    def count(self, number: Any) -> Any:
        if isinstance(number, int) and abs(number) > self.max_text:
            raise self.fail(f"talet {number} är för stort")
        return number

    def size(self, length: int) -> int:
        """A length the result would have, if within the limit."""
        if length > self.max_text:
            raise self.fail(f"resultatet skulle bli {length:_} tecken".replace("_", " "))
        return length

    def padded(self, text: str, width: Any) -> str:
        self.count(width)
        return text

    def checked_percent(self, text: Any) -> Any:
        """A `%` format string whose widths and precisions are within the limit."""
        if isinstance(text, str):
            for match in _PERCENT_SPEC.finditer(text):
                for part in match.groups():
                    if part == "*":
                        raise self.fail("bredd med * i en formatsträng")
                    if part is not None:
                        self.count(int(part))
        return text

    def checked_format(self, text: str) -> str:
        """A `str.format` string whose widths are within the limit and not computed."""
        try:
            fields = list(string.Formatter().parse(text))
        except ValueError:
            return text  # Python reports the broken format string itself
        for _, _, spec, _ in fields:
            if spec and "{" in spec:
                raise self.fail("beräknad bredd i en formatsträng")
            for number in _NUMBER.findall(spec or ""):
                self.count(int(number))
        return text

    # --- loops ----------------------------------------------------------------------------

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """The template with every `{% for %}` counting its turns (`counted`)."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            counted = nodes.EnvironmentAttribute("counted", lineno=loop.lineno)
            loop.iter = nodes.Call(counted, [loop.iter], [], None, None, lineno=loop.lineno)
        return tree

    def counted(self, items: Iterable[Any]) -> Iterator[Any]:
        """`items`, while all the loops of this environment together stay under the limit:
        loops inside loops would otherwise keep a build busy for hours."""
        for item in items:
            self.iterations += 1
            if self.iterations > self.max_iterations:
                raise LimitError(
                    f"slingorna går mer än {self.max_iterations:_} varv sammanlagt".replace("_", " ")
                )
            yield item

    # --- hooks of Jinja's sandbox ---------------------------------------------------------

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
            raise LimitError("för stor exponent")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                sized = isinstance(seq, (str, list, tuple)) and isinstance(times, int)
                if sized and len(seq) * times > self.max_text:
                    raise self.fail("för lång text")
        if operator == "%":
            self.checked_percent(left)
        return self.checked(super().call_binop(context, operator, left, right))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None and value.__name__ == "format":
            self.checked_format(value.__self__)
        elif wrapped is not None:
            raise self.fail("format_map används inte")
        return wrapped

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        owner = getattr(__obj, "__self__", None)
        if not isinstance(owner, str):  # the report's own functions (figur, plan …) may be long
            return super().call(__context, __obj, *args, **kwargs)
        __self._check_str_method(owner, getattr(__obj, "__name__", ""), args)
        return __self.checked(super().call(__context, __obj, *args, **kwargs))

    def _check_str_method(self, text: str, name: str, args: tuple[Any, ...]) -> None:
        if name in ("center", "ljust", "rjust", "zfill") and args:
            self.count(args[0])
        elif name == "expandtabs":
            self.size(self.count(args[0] if args else 8) * (text.count("\t") + 1))
        elif name == "replace" and len(args) >= 2:
            self.size(_replaced_length(text, str(args[0]), str(args[1])))


def _replaced_length(text: str, old: str, new: str) -> int:
    hits = text.count(old) if old else len(text) + 1
    return len(text) + hits * max(len(new) - len(old), 0)


def _limited_indent(env: LimitedSandbox) -> Callable[..., str]:
    def indent(value: str, width: Any = 4, first: bool = False, blank: bool = False) -> str:
        size = len(width) if isinstance(width, str) else env.count(width)
        env.size(len(str(value)) + (str(value).count("\n") + 1) * size)
        return jinja_filters.do_indent(value, width, first, blank)

    return indent


def _limited_replace(env: LimitedSandbox) -> Callable[..., Any]:
    def replace(context: Any, value: Any, old: Any, new: Any, count: Any = None) -> Any:
        env.size(_replaced_length(str(value), str(old), str(new)))
        return jinja_filters.do_replace(context, value, old, new, count)

    replace.jinja_pass_arg = jinja_filters.do_replace.jinja_pass_arg  # type: ignore[attr-defined]
    return replace


def _limited_join(env: LimitedSandbox) -> Callable[..., Any]:
    def join(context: Any, value: Iterable[Any], d: str = "", attribute: Any = None) -> Any:
        items = list(_bounded(env, value))
        return env.checked(jinja_filters.sync_do_join(context, items, d, attribute))

    join.jinja_pass_arg = jinja_filters.sync_do_join.jinja_pass_arg  # type: ignore[attr-defined]
    return join


def _limited_wordwrap(env: LimitedSandbox) -> Callable[..., Any]:
    def wordwrap(environment: Any, s: str, width: int = 79, *args: Any, **kwargs: Any) -> Any:
        env.count(width)
        return jinja_filters.do_wordwrap(environment, s, width, *args, **kwargs)

    wordwrap.jinja_pass_arg = jinja_filters.do_wordwrap.jinja_pass_arg  # type: ignore[attr-defined]
    return wordwrap


def _bounded(env: LimitedSandbox, items: Iterable[Any]) -> Iterator[Any]:
    for index, item in enumerate(items):
        if index > env.max_text:
            raise env.fail("för många värden")
        yield item
