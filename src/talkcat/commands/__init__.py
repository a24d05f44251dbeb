"""One module per command; each a plain function that Typer calls."""
