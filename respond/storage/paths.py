"""Where respond's files live: the database (``--db``, then ``RESPOND_DB``, then the platform's
user data dir) and the config file (``RESPOND_CONFIG``, then the user config dir).

Cheap to import (``os`` and ``sys`` only): the shell-prompt counter uses it on every prompt.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs the prompt ~7 ms
if TYPE_CHECKING:
    from pathlib import Path

APP_NAME = "respond"
DB_FILENAME = "respond.json"
CONFIG_FILENAME = "config.toml"
CONFIG_ENV = "RESPOND_CONFIG"
# platformdirs' XDG rule on Linux: the variable if it holds an absolute path, else under HOME
_XDG = {"data": ("XDG_DATA_HOME", ".local/share"), "config": ("XDG_CONFIG_HOME", ".config")}


def user_dir(kind: str) -> str:
    """``platformdirs.user_data_dir("respond")`` (``kind="data"``) or ``user_config_dir``
    (``"config"``). On Linux the XDG rule is applied here, sparing the ~14 ms import of
    platformdirs; anywhere else, or with a relative ``HOME``, platformdirs decides. Tests
    check both give the same answer."""
    variable, fallback = _XDG[kind]
    home = os.environ.get("HOME", "")
    if sys.platform == "linux" and home.startswith("/"):
        base = os.environ.get(variable, "")
        if not base.startswith("/"):
            base = os.path.join(home, fallback)
        return os.path.join(base, APP_NAME)
    import platformdirs

    finder = platformdirs.user_data_dir if kind == "data" else platformdirs.user_config_dir
    return finder(APP_NAME, appauthor=False)


def config_path() -> str:
    """``$RESPOND_CONFIG``, else ``config.toml`` in the platform's user config directory
    (``$XDG_CONFIG_HOME/respond/config.toml`` or ``~/.config/respond/config.toml`` on Linux;
    see :func:`user_dir`)."""
    chosen = os.environ.get(CONFIG_ENV)
    if chosen:
        return os.path.expanduser(chosen)
    return os.path.join(user_dir("config"), CONFIG_FILENAME)


def default_db_path() -> Path:
    from pathlib import Path

    return Path(user_dir("data"), DB_FILENAME)


def resolve_db_path(option: str | None) -> tuple[Path, bool]:
    """The database path and whether the user chose it explicitly."""
    from pathlib import Path

    path, explicit = db_path_text(option)
    return Path(path), explicit


def db_path_text(option: str | None) -> tuple[str, bool]:
    """:func:`resolve_db_path` as text (the prompt and the capture lane: no pathlib):
    ``--db``, then ``$RESPOND_DB``, then the default; through a symlink, the file it points
    at."""
    chosen = option or os.environ.get("RESPOND_DB")
    if chosen:
        return real_db_path(os.path.expanduser(chosen)), True
    return real_db_path(os.path.join(user_dir("data"), DB_FILENAME)), False


def captures_path(db: str | os.PathLike[str]) -> str:
    """The capture log beside the database: ``<db>.captures`` (see
    :mod:`respond.storage.captures`)."""
    return os.fspath(db) + ".captures"


def sync_repo(db: str | os.PathLike[str]) -> str:
    """The sync repository beside the database: ``<db>.sync/``."""
    return os.fspath(db) + ".sync"


def sync_initialised(db: str | os.PathLike[str]) -> bool:
    """Whether ``respond sync init`` set this database up (cheap: every change asks)."""
    return os.path.isdir(os.path.join(sync_repo(db), ".git"))


def real_db_path(path: str) -> str:
    """A database reached through a symlink (``ln -s ~/Sync/respond.json $RESPOND_DB``) is the
    file the link points at: resolved once, here, so that every command locks and replaces
    the real file (the link stays a link) and takes the same lock whichever path it was given.
    Any other path is kept as given."""
    return os.path.realpath(path) if os.path.islink(path) else path


def is_database_file(db: Path, target: Path) -> bool:
    """Whether ``target`` is (or would replace) one of the database's files: the active file,
    its lock, state, score cache, archive and backups folders and what they hold, by path
    (through any symlink) or as the same file under another name (a hard link)."""
    real_db = os.path.realpath(db)
    folder, name = os.path.split(real_db)
    path = os.path.realpath(target)
    while True:
        parent, base = os.path.split(path)
        if parent == folder and (base == name or base.startswith(name + ".")):
            return True
        if parent == path:
            break
        path = parent
    try:
        st = os.stat(target)
    except OSError:
        return False
    return any(os.path.samestat(st, other) for other in _database_files(folder, name))


def _database_files(folder: str, name: str) -> list[os.stat_result]:
    found: list[os.stat_result] = []
    try:
        entries = [e for e in os.scandir(folder) if e.name == name or e.name.startswith(name + ".")]
    except OSError:
        return found
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                found += [inner.stat() for inner in os.scandir(entry.path)]
            else:
                found.append(entry.stat())
        except OSError:
            continue
    return found
