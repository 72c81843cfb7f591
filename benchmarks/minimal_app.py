"""The floor of the stack respond chose: a minimal Typer app that prints one Rich table.

    python benchmarks/minimal_app.py

``benchmarks/run.py`` times it beside ``respond today`` in the same run (issue 23: ``today``
at most 1.0x this). It imports what any Typer+Rich command must (typer, rich's console and
table), builds a one-command app and prints a three-row table, and nothing else.
"""

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False)


@app.command()
def main() -> None:
    """Print one small table."""
    table = Table("id", "who", "title", "due")
    table.add_row("1", "Dana Whitfield", "Q3 numbers", "3h late")
    table.add_row("2", "Bob Okafor", "VPN access", "due 17:00")
    table.add_row("3", "Jane Liu", "the vendor contract", "waited 2 days")
    Console().print(table)


if __name__ == "__main__":
    app()
