"""respond: a personal responsiveness tracker for the terminal.

Everyone is in customer service: this package keeps what you owe people, what you promised and
when, whom you are waiting on, and whom to follow up with. Importing the package is cheap; the
heavy libraries (typer, rich, tinydb, dateutil) are imported only by the modules that need them.
"""

__version__ = "0.1.0"
