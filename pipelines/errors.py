"""Errors that the CLI turns into one clear message (what, where) instead of a traceback."""
from __future__ import annotations


class PipelineError(Exception):
    """A problem with the inputs or the build that the user can act on."""


class ChecksumMismatch(PipelineError):
    pass


class InputFileError(PipelineError):
    """A raw file cannot be read as declared (encoding, delimiter, columns, empty, gzip)."""
