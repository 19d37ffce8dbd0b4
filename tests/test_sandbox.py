"""The limits of the sandbox shared by chapter expressions and templates, with a small limit."""

from __future__ import annotations

import pytest

from kfsreport.render.sandbox import LimitedSandbox, LimitError

SMALL = LimitedSandbox(max_text=50)


def run(source: str) -> str:
    return SMALL.from_string(source).render()


@pytest.mark.parametrize(
    "source",
    [
        '{{ "%0999d"|format(1) }}',
        '{{ "%.999f"|format(1) }}',
        '{{ "%*d"|format(60, 1) }}',
        '{{ "%0999d" % 1 }}',
        '{{ "{:999}".format(1) }}',
        '{{ "{:{}}".format(1, 999) }}',
        '{{ "x"|center(999) }}',
        '{{ "x".rjust(999) }}',
        '{{ "x".zfill(999) }}',
        '{{ "a\\tb".expandtabs(999) }}',
        '{{ "a\\nb\\nc"|indent(30) }}',
        '{{ "aaaa"|replace("a", "x" * 20) }}',
        '{{ "aaaa".replace("a", "x" * 20) }}',
        '{{ "x" * 51 }}',
        '{{ ("x" * 30) ~ ("x" * 30) }}',
        '{{ ("x" * 30) + ("x" * 30) }}',
        '{{ range(60)|join(",") }}',
        "{{ [1]|batch(999, 0)|list }}",
        "{{ [1]|slice(999)|list }}",
        '{{ "x"|wordwrap(999) }}',
        "{{ 2 ** 1000 }}",
    ],
)
def test_what_would_grow_past_the_limit_is_refused_before_it_is_built(source):
    with pytest.raises(LimitError):
        run(source)


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ('{{ "%03d"|format(7) }}', "007"),
        ('{{ "{:>4}".format(7) }}', "   7"),
        ('{{ "x"|center(5) }}', "  x  "),
        ('{{ "a-b"|replace("-", "–") }}', "a–b"),
        ('{{ ["a", "b"]|join(", ") }}', "a, b"),
        ('{{ "ab" ~ "cd" }}', "abcd"),
    ],
)
def test_ordinary_formatting_still_works(source, shown):
    assert run(source) == shown


def test_loops_inside_loops_stop_at_the_limit_of_turns():
    env = LimitedSandbox(max_iterations=100)
    assert env.from_string("{% for i in range(5) %}{{ i }}{% endfor %}").render() == "01234"
    with pytest.raises(LimitError, match="slingorna går mer än 100 varv"):
        env.from_string("{% for i in range(50) %}{% for j in range(50) %}{% endfor %}{% endfor %}").render()


def test_loop_variables_still_work_when_turns_are_counted():
    template = (
        "{% for x in 'abc' %}{{ loop.index }}/{{ loop.length }}{% if loop.last %}.{% endif %}{% endfor %}"
    )
    assert LimitedSandbox().from_string(template).render() == "1/32/33/3."


def test_a_template_that_writes_too_much_is_stopped_at_its_file(tmp_path):
    """Each value is small, so only the page's total length stops a loop that writes without
    end: reported at the template's file with what to do, and nothing is returned."""
    from jinja2 import FileSystemLoader

    from kfsreport.errors import Problems, ReportError
    from kfsreport.render.pages import render_template

    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "sida.html.j2").write_text("{% for i in range(500) %}rad {{ i }}\n{% endfor %}\n")
    env = LimitedSandbox(loader=FileSystemLoader(templates))
    problems = Problems()
    assert render_template(env, "sida.html.j2", tmp_path, problems, max_chars=1000) == ""
    assert problems.errors == [
        ReportError(
            "mallen skriver mer än 1 000 tecken.",
            path="templates/sida.html.j2",
            hint="Rätta slingan i mallen.",
        )
    ]
    written = render_template(env, "sida.html.j2", tmp_path, Problems(), max_chars=10_000)
    assert written.startswith("rad 0\nrad 1\n")
