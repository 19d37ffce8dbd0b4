"""A catalogue of mistakes a secretariat makes, each planted alone into a copy of the demo.

Every mistake must stop the build (or `check`) with exit code 1 and a Swedish message at the
mistake's own file and line, never a traceback, and must leave the previous `output/`
byte for byte as it was. The last tests plant many mistakes at once and expect every one of
them in the same round.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import REPO

DEMO_PARTS = ("report.yaml", "ordlista.txt", "content", "data")

C00 = "content/00-om-rapporten.md"
C01 = "content/01-sammanfattning.md"
C02 = "content/02-beredningen.md"
C03 = "content/03-resultat.md"
C04 = "content/04-avslutande-kommentar.md"
FACTS = "data/facts.yaml"
CHARTS = "data/charts.yaml"
SETTINGS = "report.yaml"

Edit = tuple[str, str, str]
"""(file, text in the demo, what it becomes)."""


@dataclass(frozen=True)
class Mistake:
    """One mistake: how it is planted, where it must be reported and a word of the message."""

    name: str
    edits: list[Edit]
    where: str
    """`file:marker`: the reported line is the first line holding `marker` after planting;
    `file:` alone for a mistake that concerns the whole file."""
    says: str
    files: dict[str, bytes] = field(default_factory=dict)
    command: str = "build-html"
    folders: tuple[str, ...] = ()


def _m(name: str, edits: list[Edit], where: str, says: str, **kw: object) -> Mistake:
    return Mistake(name, edits, where, says, **kw)  # type: ignore[arg-type]


BOX = "::: faktaruta Hamburgundantaget"
BOX_BODY = "Hamburgundantaget är ett undantag från reglerna om offentlig upphandling."

CATALOGUE = [
    # --- directives and boxes left as text -----------------------------------------------
    _m(
        "box-not-closed",
        [
            (C03, BOX_BODY, "Hamburgundantaget är ett undantag"),
            (C03, "\n:::\n\nEn FoU-rapport", "\n\nEn FoU"),
        ],
        f"{C03}:{BOX}",
        "avslutas inte",
    ),
    _m("directive-not-closed", [(C04, "{{ slutsatser }}", "{{ slutsatser")], f"{C04}:{{{{ slutsatser", "}}"),
    _m(
        "value-not-closed-before-a-later-value",
        [(C04, "{{ slutsatser }}", '{{ figur("skr-prognos") \n\nMer text ({{ ref("natverk") }}).')],
        f"{C04}:figur(",
        "avslutande }}",
    ),
    _m(
        "closing-braces-alone",
        [(C02, "och har {{ tal.ledamoter }}.", "och har tal.ledamoter }}.")],
        f"{C02}:och har tal.ledamoter",
        "}} står utan {{",
    ),
    _m(
        "template-tag-in-text",
        [(C02, "och har {{ tal.ledamoter }}.", "och har {% if tal %}13{% endif %}.")],
        f"{C02}:och har {{%",
        "mallkod",
    ),
    _m(
        "box-marker-inside-a-paragraph",
        [(C03, "En FoU-rapport som nyligen", "::: faktaruta En FoU-rapport som nyligen")],
        f"{C03}:::: faktaruta En FoU",
        ":::",
    ),
    _m(
        "box-closed-twice",
        [(C03, "\n:::\n\nEn FoU-rapport", "\n:::\n:::\n\nEn FoU-rapport")],
        f"{C03}:35",
        "avslutar ingen ruta",
    ),
    _m("unknown-box", [(C03, BOX, "::: fakta Hamburgundantaget")], f"{C03}:::: fakta Ham", "okänd ruta"),
    _m(
        "footnote-with-no-text",
        [(C02, "Beredningen bildades våren 2022", "Beredningen bildades[^start] våren 2022")],
        f"{C02}:Beredningen bildades[^start]",
        "ingen fotnotstext",
    ),
    _m(
        "reference-link-with-no-address",
        [(C02, "Beredningen bildades våren 2022", "Beredningen [bildades][beslut] våren 2022")],
        f"{C02}:[bildades][beslut]",
        "ingen adress",
    ),
    _m(
        "table-row-with-more-cells-than-the-header",
        [(C02, "beslutat om.\n", "beslutat om.\n\n| Kommun | Antal |\n|---|---|\n| Umeå | 12 | 14 |\n")],
        f"{C02}:| Umeå | 12 | 14 |",
        "3 celler men rubrikraden har 2",
    ),
    _m(
        "dashes-under-a-paragraph-make-it-a-heading",
        [(C02, "beslutat om.\n", "beslutat om.\n---\n")],
        f"{C02}:Beredningen bildades",
        "gör stycket till en rubrik",
    ),
    _m(
        "bold-left-open",
        [(C02, "Beredningen bildades våren 2022", "**Beredningen bildades våren 2022")],
        f"{C02}:**Beredningen",
        "** står kvar",
    ),
    _m(
        "table-without-its-dashes-row",
        [(C02, "beslutat om.\n", "beslutat om.\n\n| Kommun | Antal |\n| Umeå | 12 |\n")],
        f"{C02}:| Kommun | Antal |",
        "saknar raden med streck",
    ),
    _m(
        "link-with-no-text",
        [(C02, "beslutat om.\n", "beslutat om. Se [](https://www.skr.se).\n")],
        f"{C02}:Se [](https",
        "har ingen text",
    ),
    _m(
        "a-category-twice-in-a-bar-chart",
        [("data/skr-prognos.csv", "Invånare 0–19 år;", "Invånare 85 år och äldre;")],
        f"{CHARTS}:data: data/skr-prognos.csv",
        "står på 2 rader",
    ),
    _m(
        "comment-never-closed",
        [(C02, "Beredningen bildades våren 2022", "<!-- kolla årtalet\n\nBeredningen bildades våren 2022")],
        f"{C02}:<!-- kolla",
        "avslutas aldrig",
    ),
    _m(
        "chart-in-the-middle-of-a-sentence",
        [(C03, '\n\n{{ figur("skr-prognos") }}', ' Se {{ figur("skr-prognos") }} här.')],
        f"{C03}:Se {{{{ figur",
        "egen rad",
    ),
    _m(
        "list-directive-in-a-sentence",
        [(C02, "\n\n{{ plan }}\n", " Planen: {{ plan }}\n")],
        f"{C02}:Planen: {{{{ plan",
        "egen rad",
    ),
    _m(
        "class-braces-in-a-paragraph",
        [(C02, "och har {{ tal.ledamoter }}.", "och har {{ tal.ledamoter }} {.viktig}.")],
        f"{C02}:{{.viktig}}",
        "{.viktig}",
    ),
    # --- expressions -------------------------------------------------------------------------
    _m(
        "word-quotes-and-invisible-characters",
        [(C01, '{{ ref("aldersdiskriminering") }}', "{{ ref(”alders\u200bdiskri\u00adminering”) }}")],
        f"{C01}:ref(”",
        "raka citattecken",
    ),
    _m(
        "invisible-characters-in-an-id",
        [(C01, '{{ ref("aldersdiskriminering") }}', '{{ ref("alders\u200bdiskri\u00adminering") }}')],
        f"{C01}:ref(",
        "⟨mjukt bindestreck⟩",
    ),
    _m(
        "misspelt-key-figure",
        [(C02, "{{ tal.ledamoter }}", "{{ tal.ledamöter }}")],
        f"{C02}:tal.ledamöter",
        "menade du 'ledamoter'",
    ),
    _m(
        "misspelt-filter",
        [(C02, "{{ fakta.plan.decided | datum }}", "{{ fakta.plan.decided | datun }}")],
        f"{C02}:datun",
        "filtret 'datun' finns inte",
    ),
    _m(
        "reference-to-a-missing-heading",
        [(C00, '{{ ref("avtalssamverkan") }}', '{{ ref("avtalsamverkan") }}')],
        f"{C00}:avtalsamverkan",
        "menade du 'avtalssamverkan'",
    ),
    _m(
        "missing-chart",
        [(C03, '{{ figur("skr-prognos") }}', '{{ figur("skr-prognoser") }}')],
        f"{C03}:skr-prognoser",
        "inget diagram",
    ),
    _m(
        "chart-placed-twice",
        [(C03, '{{ figur("skr-prognos") }}', '{{ figur("skr-prognos") }}\n\n{{  figur("skr-prognos")  }}')],
        f"{C03}:{{{{  figur",
        "en figur visas en gång",
    ),
    _m(
        "filter-on-a-value-that-is-not-filled-in",
        [
            (FACTS, "figures:\n", "economy:\n  budget:\n\nfigures:\n"),
            (C02, "{{ tal.ledamoter }}", "{{ fakta.economy.budget | tkr }}"),
        ],
        f"{C02}:economy.budget",
        "inte ifyllt",
    ),
    # --- headings, links, images, front matter -----------------------------------------------
    _m(
        "level-one-heading",
        [(C03, "## Avtalssamverkan mellan", "# Avtalssamverkan mellan")],
        f"{C03}:# Avtalssamverkan mellan",
        "en #",
    ),
    _m(
        "heading-id-with-capitals",
        [(C03, "{#regional-utveckling}", "{#Regional Utveckling}")],
        f"{C03}:Regional Utveckling",
        "klammerparentes",
    ),
    _m(
        "same-id-twice",
        [(C03, "{#regional-utveckling}", "{#avtalssamverkan}")],
        f"{C03}:Kommunal samverkan för regional",
        "används redan",
    ),
    _m(
        "image-that-is-not-there",
        [(C02, "\n{{ plan }}\n", "\n![Karta över länet](karta.png)\n\n{{ plan }}\n")],
        f"{C02}:karta.png",
        "karta.png",
    ),
    _m(
        "image-without-alt-text",
        [(C02, "\n{{ plan }}\n", "\n![](../data/skr-prognos.csv)\n\n{{ plan }}\n")],
        f"{C02}:![](",
        "",
    ),
    _m(
        "link-to-a-missing-section",
        [(C02, "{{ tal.ledamoter }}.", "{{ tal.ledamoter }} ([se nedan](#finns-inte)).")],
        f"{C02}:#finns-inte",
        "finns-inte",
    ),
    _m("front-matter-missing", [(C02, "---\ntitle:", "title:")], f"{C02}:title:", "front matter"),
    _m(
        "front-matter-not-closed",
        [(C02, "kompetensförsörjning\n---\n", "kompetensförsörjning\n\n")],
        f"{C02}:---",
        "avslutande ---",
    ),
    _m("front-matter-key-misspelt", [(C02, "title: Full", "titel: Full")], f"{C02}:titel:", "titel"),
    # --- files in content/ -----------------------------------------------------------------
    _m(
        "chapter-saved-as-txt",
        [],
        "content/05-bilaga.md.txt:",
        "05-bilaga.md",
        files={"content/05-bilaga.md.txt": b""},
    ),
    _m(
        "windows-copy",
        [],
        "content/03-resultat - Kopia.md:",
        "kopia",
        files={"content/03-resultat - Kopia.md": b""},
    ),
    _m("numbered-copy", [], "content/03-resultat(1).md:", "kopia", files={"content/03-resultat(1).md": b""}),
    _m(
        "word-lock-file",
        [],
        "content/~$-resultat.md:",
        "tillfällig fil",
        files={"content/~$-resultat.md": b"\0"},
    ),
    _m(
        "chapter-in-word-format",
        [],
        "content/05-bilaga.docx:",
        "ordbehandlingsdokument",
        files={"content/05-bilaga.docx": b"PK"},
    ),
    _m("capital-md", [], "content/05-bilaga.MD:", "05-bilaga.md", files={"content/05-bilaga.MD": b"x"}),
    _m(
        "chapter-saved-in-windows-1252",
        [],
        "content/05-bilaga.md:5",
        "UTF-8",
        files={"content/05-bilaga.md": "---\ntitle: Bilaga\n---\n\nÅrets möten.\n".encode("cp1252")},
    ),
    _m("folder-named-like-a-chapter", [], "content/bilder.md:", "mapp", folders=("content/bilder.md",)),
    _m(
        "editor-backup",
        [],
        "content/03-resultat.md.bak:",
        "säkerhetskopia",
        files={"content/03-resultat.md.bak": b"---\ntitle: x\n---\n"},
        command="check",
    ),
    # --- YAML files ---------------------------------------------------------------------------
    _m(
        "tab-in-facts", [(FACTS, "  member_count: 13", "\tmember_count: 13")], f"{FACTS}:member_count", "tabb"
    ),
    _m(
        "bad-indent-in-facts",
        [(FACTS, "  member_count: 13", "   member_count: 13")],
        f"{FACTS}:member_count",
        "indrag",
    ),
    _m(
        "misspelt-key-in-facts",
        [(FACTS, "conclusions:", "conclusion:")],
        f"{FACTS}:conclusion:",
        "conclusion",
    ),
    _m(
        "impossible-date",
        [(FACTS, "decided: 2025-02-17", "decided: 2025-02-30")],
        f"{FACTS}:decided: 2025-02-30",
        "datum",
    ),
    _m(
        "activity-names-a-missing-goal",
        [(FACTS, "      goal: mal-avtalssamverkan", "      goal: mal-avtalsamverkan")],
        f"{FACTS}:goal: mal-avtalsamverkan",
        "menade du",
    ),
    _m(
        "id-with-a-hard-space",
        [(FACTS, "  - id: slutsats-avtalssamverkan", "  - id: slutsats-avtals\u00a0samverkan")],
        f"{FACTS}:slutsats-avtals",
        "⟨hårt mellanslag⟩",
    ),
    _m(
        "key-twice-in-settings",
        [(SETTINGS, "year: 2025\n", "year: 2025\nyear: 2026\n")],
        f"{SETTINGS}:year: 2026",
        "två gånger",
    ),
    _m("year-in-words", [(SETTINGS, "year: 2025", "year: tjugofem")], f"{SETTINGS}:year:", "heltal"),
    _m(
        "key-figure-in-words",
        [
            (FACTS, "    value: 3894", "    value: cirka 3900"),
        ],
        f"{FACTS}:cirka 3900",
        "tal",
    ),
    _m(
        "quote-not-closed",
        [(SETTINGS, "subtitle: Kompetens", 'subtitle: "Kompetens')],
        f"{SETTINGS}:subtitle",
        "citattecken",
    ),
    # --- charts and data --------------------------------------------------------------------
    _m(
        "chart-y-names-a-missing-column",
        [(CHARTS, "    y: Andel\n", "    y: Andelar\n")],
        f"{CHARTS}:y: Andelar",
        "Andelar",
    ),
    _m(
        "english-thousands-separators",
        [],
        "data/norsjo-personal.csv:2",
        "två sätt",
        files={
            "data/norsjo-personal.csv": b"Grupp;Anst\xc3\xa4llda\nI pension;3,894\n\xc3\x96vriga;20,000\n"
        },
        command="build",
    ),
    _m(
        "missing-data-file",
        [(CHARTS, "data: data/skr-prognos.csv", "data: data/skr-prognosen.csv")],
        f"{CHARTS}:skr-prognosen.csv",
        "skr-prognosen.csv",
        command="build",
    ),
    _m("unknown-chart-type", [(CHARTS, "type: grouped_bar", "type: pie")], f"{CHARTS}:type: pie", "pie"),
    _m(
        "chart-alt-text-too-short",
        [(CHARTS, "    alt: >-\n      Stapeldiagram. Sju", "    alt: Staplar\n    x_title: >-\n      Sju")],
        f"{CHARTS}:alt: Staplar",
        "alt",
    ),
    _m(
        "words-in-a-number-column",
        [],
        "data/rekryteringsenkaten.csv:3",
        "'tjugofem'",
        files={"data/rekryteringsenkaten.csv": b"Resultat;Andel\nSv\xc3\xa5rt;70\nMisslyckas;tjugofem\n"},
        command="check",
    ),
    _m(
        "decimal-comma-in-a-comma-separated-file",
        [],
        "data/rekryteringsenkaten.csv:3",
        "fält",
        files={"data/rekryteringsenkaten.csv": "Resultat,Andel\nSvårt,70\nMisslyckas,6,9\n".encode()},
        command="build",
    ),
]


def _copy_demo(root: Path, output: Path) -> Path:
    root.mkdir()
    for part in DEMO_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, root / part)
        else:
            shutil.copy(source, root / part)
    shutil.copytree(output, root / "output")
    return root


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _plant(root: Path, mistake: Mistake) -> str:
    """Plant the mistake; return `file:line` where it must be reported."""
    for name in mistake.folders:
        (root / name).mkdir()
    for name, data in mistake.files.items():
        (root / name).write_bytes(data)
    for name, old, new in mistake.edits:
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    name, _, marker = mistake.where.partition(":")
    if not marker:
        return f"{name}:"
    if marker.isdigit():
        return f"{name}:{marker}:"
    text = (root / name).read_text(encoding="utf-8")
    assert marker in text, f"{marker!r} is not in {name}"
    return f"{name}:{text[: text.index(marker)].count(chr(10)) + 1}:"


@pytest.fixture
def demo_copy(tmp_path: Path, demo: Path) -> Path:
    """A copy of the demo report with the demo's built output/ in it."""
    return _copy_demo(tmp_path / "rapport", demo)


def _run(cli: Callable[..., object], root: Path, command: str) -> tuple[int, str]:
    args = {
        "build-html": ("build", "--project", str(root), "--format", "html"),
        "build": ("build", "--project", str(root)),
        "check": ("check", "--project", str(root)),
    }[command]
    run = cli(*args)
    return run.code, run.out + run.err  # type: ignore[attr-defined]


@pytest.mark.parametrize("mistake", CATALOGUE, ids=[m.name for m in CATALOGUE])
def test_each_mistake_stops_at_its_line(
    mistake: Mistake, demo_copy: Path, cli: Callable[..., object]
) -> None:
    before = _snapshot(demo_copy / "output")
    where = _plant(demo_copy, mistake)
    code, text = _run(cli, demo_copy, mistake.command)
    assert code == 1, text
    lines = [line for line in text.splitlines() if line.startswith(where) or f" {where}" in line]
    assert lines, f"nothing reported at {where}:\n{text}"
    assert any(mistake.says in line for line in lines), text
    assert "Traceback" not in text and "Error:" not in text
    assert _snapshot(demo_copy / "output") == before


def test_the_catalogue_covers_forty_mistakes() -> None:
    assert len(CATALOGUE) >= 40


def test_a_dozen_mistakes_in_different_files_are_reported_in_one_round(
    demo_copy: Path, cli: Callable[..., object]
) -> None:
    """One mistake per kind and file, planted together: one run reports every one of them."""
    chosen = [
        "tab-in-facts",
        "key-twice-in-settings",
        "unknown-chart-type",
        "directive-not-closed",
        "word-quotes-and-invisible-characters",
        "misspelt-filter",
        "box-not-closed",
        "reference-to-a-missing-heading",
        "front-matter-key-misspelt",
        "chapter-saved-as-txt",
        "windows-copy",
        "chapter-saved-in-windows-1252",
    ]
    mistakes = {m.name: m for m in CATALOGUE}
    before = _snapshot(demo_copy / "output")
    expected = {name: _plant(demo_copy, mistakes[name]) for name in chosen}
    code, text = _run(cli, demo_copy, "build-html")
    assert code == 1
    for name, where in expected.items():
        assert where in text, f"{name} not reported at {where}:\n{text}"
    assert "Traceback" not in text
    assert _snapshot(demo_copy / "output") == before
