"""The year file: the SQLite dataset, its audit trail and the proof it gives, backups, snapshots, who holds it and
where it can be written."""
