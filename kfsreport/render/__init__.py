"""Stage 4, render: Markdown, directives and templates into the screen and print editions' HTML."""
