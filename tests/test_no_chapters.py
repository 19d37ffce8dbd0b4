"""A report folder without its chapters (content/ deleted or moved while the preview runs):
one error saying so, not one more for every activity whose `reported_in` names a heading."""

from __future__ import annotations

import shutil

from tests.rendering import chapter, errors_of, project

FACTS = """\
plan:
  goals:
    - id: mal-1
      text: Ett mål.
  activities:
    - id: akt-1
      goal: mal-1
      text: En aktivitet.
      status: done
      reported_in: laget
"""


def test_a_missing_content_folder_is_one_error_that_names_it(tmp_path):
    root = project(tmp_path, {"01-a.md": chapter("A", "## Läget {#laget}\n\nText.\n")}, facts=FACTS)
    shutil.rmtree(root / "content")
    assert errors_of(root) == [
        "content: mappen content/ med kapitlen saknas. Skapa mappen content i rapportmappen och "
        "lägg kapitlen där, ett kapitel per .md-fil."
    ]


def test_an_empty_content_folder_is_one_error(tmp_path):
    root = project(tmp_path, {"01-a.md": chapter("A", "## Läget {#laget}\n\nText.\n")}, facts=FACTS)
    (root / "content" / "01-a.md").unlink()
    assert errors_of(root) == ["content: mappen innehåller inga kapitel (.md-filer). Lägg till minst ett."]
