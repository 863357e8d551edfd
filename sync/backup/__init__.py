"""Backups of a data folder and restores that devices recover from (``python -m sync.backup``).

- :mod:`sync.backup.manifest`: what a backup holds (database hash, epoch, op-log mark, blob hashes).
- :mod:`sync.backup.create`: an online, consistent backup into a folder, incremental for evidence.
- :mod:`sync.backup.verify`: check a backup folder against its manifest.
- :mod:`sync.backup.restore`: a backup into a new data folder, under a new epoch (:mod:`sync.db.epochs`).
- :mod:`sync.backup.report`: what devices brought back since a restore, and which have not come back.
"""
