"""The editing session on an open year: the desktop's edits, each saved at once, and their undo and redo."""
