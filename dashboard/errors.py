"""Errors a person can cause; their messages are shown as they are."""


class DomainError(Exception):
    """A problem the user can fix; str(error) is the message to show."""


class NotFoundError(DomainError):
    """The record asked for does not exist (or is outside the viewer's scope)."""


class PermissionDenied(DomainError):
    """The viewer's role or scope does not allow this."""


class SignInError(DomainError):
    """Sign-in refused: wrong credentials or too many attempts."""


class ValidationError(DomainError):
    """Input that does not make sense; nothing was changed."""


class MigrationError(DomainError):
    """A schema migration failed; the database was left as it was."""


class DatabaseBusy(DomainError):
    """The database file is locked by another process."""
