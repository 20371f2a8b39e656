"""Errors that the CLI turns into one clear message (what, where) instead of a traceback."""
from __future__ import annotations


class PipelineError(Exception):
    """A problem with the inputs or the build that the user can act on."""


class ChecksumMismatch(PipelineError):
    pass


class InputFileError(PipelineError):
    """A raw file cannot be read as declared (encoding, delimiter, columns, empty, gzip)."""


class SnapshotChanged(PipelineError):
    """A raw snapshot has far fewer rows or other totals than data/sources.yml recorded (build --accept-changes)."""


class BuildLocked(PipelineError):
    """Another build is writing the warehouse."""


class ExportError(PipelineError):
    """An export cannot be written where it was asked to go (exists, missing folder, not writable)."""
