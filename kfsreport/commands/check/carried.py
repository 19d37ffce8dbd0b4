"""What `kfsreport new` carried over from last year and has not been brought up to date.

`new` copies the accessibility statement, the charts and last year's recommendations
(as `follow_up`); `check` warns when one of them still stands as it came from last year:
a statement assessed before the report's year, a chart whose data has changed while its
alternative text or source has not, a recommendation without an `outcome`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from kfsreport.commands.check.findings import Findings
from kfsreport.load.folder import CHARTS_FILE, FACTS_FILE, SETTINGS_FILE, Sources, inside
from kfsreport.load.yamlfile import Located
from kfsreport.validate.report import Report

CARRIED_FILE = ".kfsreport-new.json"
"""Written by `kfsreport new`: each chart's data fingerprint, alt text and source when copied."""


def chart_record(root: Path, charts: dict[str, Any]) -> dict[str, dict[str, str]]:
    """For each chart: a fingerprint of its data and its alt text and source, as they are now."""
    return {
        chart_id: {"data": data_fingerprint(root, spec), "alt": spec.alt, "source": spec.source}
        for chart_id, spec in charts.items()
    }


def data_fingerprint(root: Path, spec: Any) -> str:
    """SHA-256 of a chart's data: its data file's bytes, or its inline values."""
    digest = hashlib.sha256()
    if spec.data:
        path = inside(root, root / spec.data)
        if path is not None and path.is_file():
            digest.update(path.read_bytes())
    else:
        digest.update(json.dumps(spec.values, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def check_carried(report: Report, sources: Sources, findings: Findings) -> None:
    """Warn about what `new` carried over and nobody has updated since."""
    _assessed(report, sources.settings, findings)
    _follow_up(report, sources.facts, findings)
    _charts(report, sources.charts, findings)


def _assessed(report: Report, located: Located | None, findings: Findings) -> None:
    settings = report.settings
    assessed = settings.accessibility.assessed if settings.accessibility else None
    if assessed is not None and assessed.year < settings.year:
        findings.warning(
            SETTINGS_FILE,
            located.line(("accessibility", "assessed")) if located else None,
            f"tillgänglighetsredogörelsen bedömdes senast {assessed.isoformat()}, före rapportens år "
            f"{settings.year}.",
            "Granska årets rapport (kfsreport check --pdf), uppdatera known_issues och skriv "
            "granskningens datum i assessed.",
        )


def _follow_up(report: Report, located: Located | None, findings: Findings) -> None:
    for i, item in enumerate(report.facts.follow_up):
        if not item.outcome:
            findings.warning(
                FACTS_FILE,
                located.line(("follow_up", i, "id")) if located else None,
                f"förra årets rekommendation '{item.id}' saknar outcome (hur den har följts upp).",
                "Skriv under outcome vad som har hänt, eller ta bort posten om den inte ska följas upp.",
            )


def _charts(report: Report, located: Located | None, findings: Findings) -> None:
    record = _read_record(report.root)
    for chart_id, spec in report.charts.items():
        then = record.get(chart_id)
        if not isinstance(then, dict) or then.get("data") == data_fingerprint(report.root, spec):
            continue
        index = _index(located, chart_id)
        for key, now in (("alt", spec.alt), ("source", spec.source)):
            if then.get(key) == now:
                what = "alternativtexten" if key == "alt" else "källan"
                findings.warning(
                    CHARTS_FILE,
                    located.line(("charts", index, key)) if located and index is not None else None,
                    f"diagrammet '{chart_id}' har nya data, men {what} är densamma som förra året.",
                    "Skriv om den så att den stämmer med årets siffror."
                    if key == "alt"
                    else "Ange källan till årets siffror.",
                )


def _read_record(root: Path) -> dict[str, Any]:
    path = root / CARRIED_FILE
    if inside(root, path) is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    charts = data.get("charts") if isinstance(data, dict) else None
    return charts if isinstance(charts, dict) else {}


def _index(located: Located | None, chart_id: str) -> int | None:
    items = located.data.get("charts") if located and isinstance(located.data, dict) else None
    for i, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict) and item.get("id") == chart_id:
            return i
    return None
