"""The `{{ … }}` expressions in chapters, evaluated in Jinja's sandbox.

Content can name the report settings (`rapport`), the facts (`fakta`), the key figures
(`tal`), the directives (`plan`, `riktade_uppdrag`, `slutsatser`, `rekommendationer`),
`ref("id")` for a cross-reference, and the formatting filters. Anything else is an error
with a "menade du …?" suggestion. The sandbox stops content from reaching Python internals.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateNotFound, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.utils import missing
from markupsafe import Markup, escape

from kfsreport.errors import ReportError, suggest
from kfsreport.load.invisible import INVISIBLE_HINT, TYPOGRAPHIC_QUOTES, has_invisible, visible
from kfsreport.render import locale
from kfsreport.render.sandbox import LimitedSandbox


class _Unusable(ValueError):
    """A value a filter cannot use; the message is Swedish and shown to the editor."""


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if value is None:
        raise _Unusable("värdet är inte ifyllt i data/facts.yaml")
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _Unusable(f"'{value}' är inte ett datum (ÅÅÅÅ-MM-DD)") from None


def _to_number(value: Any) -> float:
    if value is None:
        raise _Unusable("värdet är inte ifyllt i data/facts.yaml")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise _Unusable(f"'{value}' är inte ett tal") from None


CONTENT_FILTERS: dict[str, Callable[..., Any]] = {
    "datum": lambda value: locale.date(_to_date(value)),
    "tal": lambda value, decimals=None: locale.number(_to_number(value), decimals),
    "procent": lambda value, decimals=None: locale.percent(
        _to_number(value), decimals if decimals is not None else (0 if _to_number(value).is_integer() else 1)
    ),
    "tkr": lambda value: locale.with_unit(_to_number(value), "tkr"),
}
"""Filters for inline values: `{{ fakta.plan.decided | datum }}` → 17 februari 2025."""


class ExpressionError(ReportError):
    """An expression that cannot be evaluated, not yet located; the message says what to do."""


class _Undefined(StrictUndefined):
    """StrictUndefined whose error names the closest existing name."""

    _kfs_names: list[str] = []

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
        name = str(self._undefined_name)
        owner = self._undefined_obj
        if owner is not missing and hasattr(owner, name):
            raise UndefinedError(f"'{name}' får inte användas i texten")
        candidates = _names_of(owner) if owner is not missing else self._kfs_names
        raise UndefinedError(f"'{name}' finns inte {suggest(name, candidates)}".rstrip())

    # StrictUndefined binds these to the base class's method; route them through ours.
    __str__ = __iter__ = __len__ = __eq__ = __ne__ = __bool__ = __hash__ = __contains__ = (
        _fail_with_undefined_error
    )
    __getattr__ = __getitem__ = __call__ = _fail_with_undefined_error
    # Arithmetic and comparisons too (`{{ figur(skr-prognos) }}` without quotes subtracts two
    # names): the base class would say "'skr' is undefined" in English.
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail_with_undefined_error
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = _fail_with_undefined_error
    __mod__ = __rmod__ = __pow__ = __rpow__ = __pos__ = __neg__ = _fail_with_undefined_error
    __lt__ = __le__ = __gt__ = __ge__ = __int__ = __float__ = __complex__ = _fail_with_undefined_error


def _names_of(owner: Any) -> list[str]:
    if isinstance(owner, Mapping):
        return [str(key) for key in owner]
    fields = getattr(type(owner), "model_fields", None)
    if fields:
        return list(fields)
    return [name for name in dir(owner) if not name.startswith("_")]


_SHOWN = (str, int, float, dt.date)


_names: ContextVar[tuple[str, ...]] = ContextVar("kfsreport_expression_names", default=())


class _NamedUndefined(_Undefined):
    """Suggests from the names of the namespace being evaluated right now."""

    @property
    def _kfs_names(self) -> list[str]:  # type: ignore[override]
        return list(_names.get())


_SANDBOX = LimitedSandbox(undefined=_NamedUndefined, autoescape=True)
_SANDBOX.filters.update(CONTENT_FILTERS)


@lru_cache(maxsize=4096)
def _compile(source: str) -> Any:
    """The compiled expression, shared by every build in the process (the preview rebuilds
    the same few hundred expressions on every save)."""
    return _SANDBOX.compile_expression(source, undefined_to_none=False)


class Evaluator:
    """Evaluates content expressions against one namespace, in the shared sandbox."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace
        self.names = (*sorted(namespace), *sorted(CONTENT_FILTERS))

    def check_syntax(self, source: str) -> Any:
        """The compiled expression; ExpressionError if `source` is not a valid expression."""
        try:
            return _compile(source)
        except TemplateSyntaxError as error:
            raise ExpressionError(_syntax_message(source, error)) from None
        except RecursionError:
            raise ExpressionError(_TOO_DEEP.format(source=_abridged(source))) from None

    def evaluate(self, source: str) -> Markup:
        """The HTML for `source`: Markup from directives, escaped text from values."""
        compiled = self.check_syntax(self._hyphenated(source))
        unquoted = _UNQUOTED_ID.search(source)
        if unquoted and unquoted.group(2).split(".")[0] not in self.namespace:
            call, written = unquoted.group(1), unquoted.group(2)
            raise ExpressionError(
                f"{{{{ {source} }}}}: id:t i {call}() ska stå inom raka citattecken. "
                f'Skriv {call}("{written}").'
            )
        token = _names.set(self.names)
        try:
            value = compiled(**self.namespace)
            if isinstance(value, StrictUndefined):
                str(value)
            return escape(_shown(source, value))
        except UndefinedError as error:
            raise ExpressionError(f"{{{{ {source} }}}}: {_swedish_undefined(str(error))}.") from None
        except SecurityError as error:
            raise ExpressionError(
                f"{{{{ {source} }}}} försöker göra något som inte är tillåtet i texten ({error})."
            ) from None
        except ExpressionError:
            raise
        except RecursionError:
            raise ExpressionError(_TOO_DEEP.format(source=_abridged(source))) from None
        except _Unusable as error:
            raise ExpressionError(f"{{{{ {source} }}}} kan inte visas: {error}.") from None
        except TypeError as error:
            if "not callable" not in str(error):
                raise ExpressionError(_UNCOMPUTABLE.format(source=source)) from None
            raise ExpressionError(
                f"{{{{ {source} }}}}: det som står före ( kan inte ta något inom parentes; bara "
                'ref("id") och figur("id") gör det.'
                " Skriv namnet utan parenteser, till exempel {{ plan }} eller {{ tal.norsjo_invanare }}."
            ) from None
        except (ValueError, LookupError, ArithmeticError, OverflowError):
            raise ExpressionError(_UNCOMPUTABLE.format(source=source)) from None
        finally:
            _names.reset(token)

    def _hyphenated(self, source: str) -> str:
        """`tal.budget-total` for the key figure `budget-total` (ids are written with hyphens
        everywhere else), as `tal["budget-total"]`: as written, Jinja subtracted `total` from
        `tal.budget` and said 'budget' did not exist, suggesting the name the writer had
        written. A misspelt one is then named whole, with the key figure it resembles; key
        figures cannot be subtracted from each other anyway."""
        if "tal" not in self.namespace:
            return source
        return _HYPHENATED.sub(lambda match: f'tal["{match.group(1)}"]', source)


_HYPHENATED = re.compile(r"(?<![\w.])tal\.([a-z0-9_]+(?:-[a-z0-9_]+)+)")
"""`tal.` and a name with hyphens and no spaces."""

_UNCOMPUTABLE = (
    "{{{{ {source} }}}} kan inte beräknas: värdena går inte att räkna eller formatera så "
    "(ett tal, ett datum eller en text på fel plats, eller ett värde som saknas)."
)


def _swedish_undefined(message: str) -> str:
    """Jinja's own English text for an undefined name, should one get past `_Undefined`."""
    if message.isascii() and ("undefined" in message or "no attribute" in message):
        quoted = re.findall(r"'([^']*)'", message)
        return f"'{quoted[-1]}' finns inte" if quoted else "ett namn i uttrycket finns inte"
    return message


_UNQUOTED_ID = re.compile(r"\b(figur|ref)\s*\(\s*([^\W\d][^\"'()=,]*?)\s*\)")
"""`figur(skr-prognos)`: an id written without its quotes."""

_TOO_DEEP = "{{{{ {source} }}}} är för djupt nästlat (för många parenteser i varandra). Förenkla uttrycket."


def _abridged(source: str) -> str:
    return source if len(source) <= 60 else source[:57] + "…"


def _shown(source: str, value: Any) -> Any:
    """`value` if it can stand in the text; otherwise say why not."""
    if value is None:
        raise ExpressionError(
            f"{{{{ {source} }}}} är inte ifyllt.",
        )
    if hasattr(value, "__html__") or isinstance(value, _SHOWN) and not isinstance(value, bool):
        return value
    if callable(value):
        raise ExpressionError(f'{{{{ {source} }}}} behöver parenteser med ett värde, t.ex. ref("id").')
    raise ExpressionError(
        f"{{{{ {source} }}}} är inte ett enskilt värde utan en hel samling; "
        "välj ett av värdena, t.ex. {{ tal.norsjo_invanare }}."
    )


def _syntax_message(source: str, error: TemplateSyntaxError) -> str:
    shown = f"{{{{ {visible(source)} }}}}"
    if error.message and error.message.startswith("No filter named"):
        name = error.message.split("'")[1]
        return (
            f"{shown}: filtret '{name}' finns inte "
            f"{suggest(name, CONTENT_FILTERS) or '(filter: ' + ', '.join(CONTENT_FILTERS) + ')'}."
        )
    if any(quote in source for quote in TYPOGRAPHIC_QUOTES):
        return (
            f"{shown} har typografiska citattecken (” “ ’ ‘ „), troligen inklistrade från Word. "
            'Skriv raka citattecken: ref("id").'
        )
    if has_invisible(source):
        return f"{shown} innehåller osynliga tecken (visade inom ⟨ ⟩). {INVISIBLE_HINT}"
    return (
        f"{shown} är inte ett giltigt uttryck ({_syntax_reason(error.message or '')}). "
        "Skriv till exempel {{ tal.norsjo_invanare }} eller {{ plan }}."
    )


def template_reason(error: TemplateError) -> str:
    """Why a template (templates/*.j2) cannot be used, in Swedish rather than Jinja's English."""
    message = str(getattr(error, "message", None) or error)
    quoted = message.split("'")[1] if message.count("'") >= 2 else ""
    if isinstance(error, TemplateNotFound):
        return f"mallen '{error.name}' finns inte"
    if isinstance(error, UndefinedError):
        return f"'{quoted}' finns inte" if quoted else "ett namn i mallen finns inte"
    if isinstance(error, TemplateSyntaxError):
        if "unknown tag" in message:
            return f"okänd mallkod {{% {quoted} %}}"
        if "end of template" in message or "was looking for" in message:
            return "ett {% … %}-block avslutas inte (endif, endfor …)"
        return f"mallkoden kan inte läsas ({_syntax_reason(message)})"
    return "mallen kunde inte köras med rapportens data"


def _syntax_reason(message: str) -> str:
    """Jinja's English message as the Swedish reason the editor can act on."""
    if "unexpected end" in message or "end of template" in message:
        return "en parentes eller ett citattecken avslutas inte"
    if "unexpected" in message and ("')'" in message or "']'" in message):
        return "en parentes avslutas utan att ha börjat"
    if "unexpected char" in message:
        return "ett tecken som inte kan stå i ett uttryck"
    if "expected token" in message or "unexpected" in message:
        return "ordningen mellan namn, punkter, parenteser och | stämmer inte"
    return "uttrycket kan inte läsas"
