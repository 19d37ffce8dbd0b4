"""Check located YAML data against a pydantic model; explain each problem in Swedish."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from kfsreport.errors import Problems, suggest
from kfsreport.load.invisible import INVISIBLE_HINT, has_invisible, visible
from kfsreport.load.swedish import read_date, why_not_a_date
from kfsreport.load.yamlfile import Located

M = TypeVar("M", bound=BaseModel)


def check_model(model: type[M], located: Located, problems: Problems) -> M | None:
    """Validate `located.data` as `model`; report every error at its line, return the model."""
    data = located.data if located.data is not None else {}
    if not isinstance(data, dict):
        problems.fail(
            located.path,
            located.first_line,
            "filen ska bestå av nycklar med värden (nyckel: värde), inte en lista eller text.",
        )
        return None
    return check_part(model, data, located, (), problems)


def check_part(
    model: type[M], data: Any, located: Located, at: tuple[str | int, ...], problems: Problems
) -> M | None:
    """Validate the part of a file found at `at` (e.g. one chart in a list) as `model`."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for item in error.errors(include_url=False):
            if located.partial and item["type"] == "missing":
                continue  # the key may stand on a line that could not be read (reported)
            loc = (*at, *item["loc"])
            message, hint = explain({**item, "loc": loc}, model, len(at))
            problems.fail(located.path, located.line(loc), message, hint)
        return None


def valid_fields(model: type[BaseModel], data: Any) -> dict[str, Any]:
    """The top-level values in `data` that are valid for their field of `model` on their own,
    by field name: a file with an error elsewhere is still checked where it can be (the
    theme's contrast beside an invalid `kind`, the economy beside an invalid goal)."""
    if not isinstance(data, dict):
        return {}
    valid: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key not in data:
            continue
        field_type: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        try:
            valid[name] = TypeAdapter(field_type).validate_python(data[key])
        except ValidationError:
            continue
    return valid


_SWEDISH_VALUES = {
    "planerad": "planned",
    "planerat": "planned",
    "pågår": "ongoing",
    "pågående": "ongoing",
    "påbörjad": "ongoing",
    "genomförd": "done",
    "genomfört": "done",
    "klar": "done",
    "klart": "done",
    "avslutad": "done",
    "inställd": "cancelled",
    "avbruten": "cancelled",
    "struken": "cancelled",
    "hög": "high",
    "högst": "high",
    "högst prioriterad": "high",
    "årsrapport": "annual",
    "delårsrapport": "interim",
    "rapport": "report",
    "enkelsidig": "simplex",
    "dubbelsidig": "duplex",
    "pm": "memo",
    "promemoria": "memo",
    "tjänsteskrivelse": "memo",
}
"""Swedish words for the values written in English (`status: planerad`, the word the
tables show), and the value meant."""

_KIND_HINT = (
    "En årsrapport är annual, en delårsrapport interim, en plan, strategi eller verksamhetsplan "
    "plan, och allt annat report (ett remissvar, ett faktablad, en utredning, ett PM; ett kort "
    "dokument utan omslag får dessutom layout: memo)."
)
"""`kind: remissvar`, `kind: verksamhetsplan`: the kinds are few, the documents many."""


def explain(item: Any, model: type[BaseModel], depth: int = 0) -> tuple[str, str]:
    """One pydantic error as a Swedish message and a hint saying what to do.

    `depth` is how many leading parts of the location lie outside `model`.
    """
    loc = tuple(item["loc"])
    kind = item["type"]
    where = _describe(loc)
    given = item.get("input")
    if kind == "extra_forbidden":
        known = _known_keys(model, loc[depth:-1])
        hint = suggest(str(loc[-1]), known) or (
            f"Tillåtna nycklar här: {', '.join(sorted(known))}." if known else ""
        )
        return f"okänd nyckel '{loc[-1]}'.", hint
    if kind == "missing":
        return f"nyckeln '{loc[-1]}' saknas{_under(loc[:-1])}.", "Lägg till den."
    if kind == "literal_error":
        expected = item.get("ctx", {}).get("expected", "")
        hint = f"Välj ett av: {expected.replace(' or ', ', ')}."
        meant = _SWEDISH_VALUES.get(" ".join(str(given).split()).casefold())
        if meant is not None and f"'{meant}'" in expected:
            hint += f" Värdena skrivs på engelska: skriv {meant}."
        if loc == ("kind",) and model.__name__ == "ReportSettings":
            hint += " " + _KIND_HINT
        return f"{where} har värdet '{given}', som inte är tillåtet.", hint
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        why = why_not_a_date(given) if isinstance(given, str) else None
        return f"{where} är inte ett giltigt datum ('{given}'{': ' + why if why else ''}).", _date_hint(given)
    if kind in ("list_type",):
        return f"{where} ska vara en lista.", "Skriv varje post på en egen rad som börjar med '- '."
    if kind in ("dict_type", "model_type", "model_attributes_type") and loc and isinstance(loc[-1], int):
        return _item_problem(where, given)
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{where} ska vara en grupp av nycklar (nyckel: värde).", _group_hint(loc, given)
    if kind in ("string_type",) and given is None:
        return f"{where} har inget värde.", EMPTY_HINT
    if kind in ("string_type",):
        return f"{where} ska vara text.", _text_hint(given)
    if kind in ("string_too_short",) and int(item.get("ctx", {}).get("min_length", 1)) > 1 and given:
        least = item["ctx"]["min_length"]
        return f"{where} är för kort ({len(str(given))} tecken).", _too_short_hint(loc, least)
    if kind in ("string_too_short",):
        return f"{where} är tom.", "Skriv en text eller ta bort nyckeln."
    if kind == "string_too_long":
        return f"{where} är för lång.", "Korta texten."
    if kind == "string_pattern_mismatch":
        shown = visible(str(given))
        if has_invisible(str(given)):
            return f"{where} ('{shown}') har osynliga tecken och kan inte vara ett id.", INVISIBLE_HINT
        return _pattern_problem(where, shown, str(item.get("ctx", {}).get("pattern", "")))
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{where} ska vara ett heltal, inte '{given}'.", "Skriv bara siffror, till exempel 13."
    if kind in ("float_parsing", "float_type"):
        return f"{where} ska vara ett tal, inte '{given}'.", "Skriv bara siffror, till exempel 6.9 eller 13."
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        limits = item.get("ctx", {})
        bound = next(iter(limits.values()), "")
        word = "minst" if kind.startswith("greater") else "högst"
        return f"{where} är '{given}' men ska vara {word} {bound}.", "Ändra värdet."
    if kind in ("value_error", "assertion_error"):
        reason = str(item.get("ctx", {}).get("error", item["msg"]))
        return f"{where}: {reason}.", ""
    if kind in ("bool_parsing", "bool_type"):
        return f"{where} ska vara ja eller nej.", "Skriv ja eller nej."
    return (
        f"{where} har ett värde som inte kan användas här ('{visible(str(given))}').",
        "Jämför med handboken eller förra årets rapport hur värdet ska skrivas.",
    )


EMPTY_HINT = (
    "Skriv värdet efter kolonet. Börjar värdet med # (en färg som '#0b5563'), sätt det inom "
    "citattecken: annars gör # resten av raden till en kommentar."
)


def _pattern_problem(where: str, shown: str, pattern: str) -> tuple[str, str]:
    """A text that does not have the form its key needs: a colour, a file name or an id."""
    if pattern.startswith("^#"):
        return (
            f"{where} ('{shown}') är ingen färg.",
            "Skriv färgen som # och sex tecken 0–9 och a–f, inom citattecken, till exempel '#0b5563'.",
        )
    if "A-Z" in pattern:
        return (
            f"{where} ('{shown}') kan inte vara ett filnamn.",
            "Använd bokstäverna a–z och A–Z (inte å, ä, ö), siffror, bindestreck och punkt, utan "
            "mellanslag och snedstreck, till exempel arsrapport-2025.",
        )
    return (
        f"{where} ('{shown}') kan inte användas som id.",
        "Använd små bokstäver a–z, siffror och bindestreck, till exempel mal-1.",
    )


def _item_problem(where: str, given: Any) -> tuple[str, str]:
    """A list item that is a number, a text or nothing where it should have keys."""
    if given is None:
        return f"{where} är tom.", "Skriv nycklarna efter '- ' (till exempel - id: …), eller ta bort raden."
    return (
        f"{where} ska vara en grupp av nycklar (nyckel: värde), inte '{visible(str(given))}'.",
        "Skriv posten som nyckel: värde efter '- ', med de andra nycklarna på egna rader under, "
        "indragna lika långt.",
    )


def _too_short_hint(loc: tuple[Any, ...], least: int) -> str:
    if loc and loc[-1] == "alt":
        return f"Skriv minst {least} tecken: vad diagrammet visar och vad läsaren ska se i det."
    return f"Skriv minst {least} tecken."


def _group_hint(loc: tuple[Any, ...], given: Any) -> str:
    key = next((str(part) for part in reversed(loc) if not isinstance(part, int)), "")
    if isinstance(given, list):
        return f"Ta bort '- ' framför nycklarna under {key}, så att de står som nyckel: värde."
    return f"Skriv nycklarna på egna rader under {key}:, indragna med två mellanslag."


def _text_hint(given: Any) -> str:
    if isinstance(given, (list, dict)):
        return "Skriv texten på samma rad som nyckeln, eller på indragna rader efter >- ."
    return "Sätt värdet inom citattecken, till exempel '2025-01-01', så läses det som text."


def _describe(loc: tuple[Any, ...]) -> str:
    if loc and isinstance(loc[-1], int):  # a list item as a whole
        return f"post {loc[-1] + 1}{_under(loc[:-1])}"
    keys = [str(part) for part in loc if not isinstance(part, int)]
    if not keys:
        return "värdet"
    return f"'{keys[-1]}'{_under(loc[:-1])}"


def _under(loc: tuple[Any, ...]) -> str:
    parts = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"post {part + 1}")
        else:
            parts.append(str(part))
    return f" under {' → '.join(parts)}" if parts else ""


def _known_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed at `loc` inside `model`, found by walking the field annotations."""
    current: Any = model
    key_of_dict = False
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        if key_of_dict:  # a free key such as a figure's id, not a field name
            key_of_dict = False
            continue
        field = getattr(current, "model_fields", {}).get(str(part))
        key_of_dict = field is not None and _is_dict(field.annotation)
        current = _inner_model(field.annotation) if field else None
    return list(getattr(current, "model_fields", {}).keys()) if current else []


def _is_dict(annotation: Any) -> bool:
    if get_origin(annotation) is dict:
        return True
    return any(_is_dict(arg) for arg in get_args(annotation))


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _date_hint(given: object) -> str:
    """How to write a date: with the date itself when it is one written in words or with
    slashes (`25 november 2025`, `25/11/2025`), which the data files read but YAML keys do not."""
    try:
        date = read_date(given, day_first=True) if isinstance(given, str) else None
    except ValueError:
        date = None
    if date is None:
        return "Skriv datumet som ÅÅÅÅ-MM-DD."
    return f"Skriv datumet som ÅÅÅÅ-MM-DD: {date:%Y-%m-%d}."
