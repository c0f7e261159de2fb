"""`cme token create|list|revoke`: API tokens for integrations acting as a user.

    cme token create USERNAME [--days N]   print a new token (shown once; only its hash is stored)
    cme token list USERNAME                the user's tokens: id (the token's first characters), made, expires
    cme token revoke TOKEN_ID              revoke one token
    cme token revoke --all USERNAME        revoke every token of the user

Every creation and revocation is audited, with the operator as the actor.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cme.accounts.models import User
from cme.accounts.selectors import api_token_list
from cme.accounts.services import api_token_create, api_token_revoke, api_tokens_revoke_all
from cme.common.errors import ApplicationError


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%-d %B %Y %H:%M") if moment else "never"


class Command(BaseCommand):
    help = "Manage API tokens: create USERNAME, list USERNAME, revoke TOKEN_ID, revoke --all USERNAME."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token for USERNAME and print it.")
        create.add_argument("username")
        create.add_argument("--days", type=int, default=90, help="Days until the token expires (default 90).")
        listing = actions.add_parser("list", help="List USERNAME's tokens: id, when made, when it expires.")
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help="Revoke the token TOKEN_ID, or with --all every token of a user.")
        which = revoke.add_mutually_exclusive_group(required=True)
        which.add_argument("token_id", nargs="?", help="The token's id, as `cme token list` shows it.")
        which.add_argument("--all", metavar="USERNAME", dest="all_of", help="Revoke every token of USERNAME.")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except ApplicationError as error:
            raise CommandError(error.message) from error

    def _create(self, *, username: str, days: int, **options):
        self.stdout.write(api_token_create(actor=None, username=username, days=days))

    def _list(self, *, username: str, **options):
        user = _user(username)
        tokens = list(api_token_list(user=user))
        if not tokens:
            self.stdout.write(f"{username} has no API tokens.")
            return
        now = timezone.now()
        self.stdout.write(f"{'TOKEN_ID':<16} {'CREATED':<20} EXPIRES")
        for token in tokens:
            expired = " (expired)" if token.expiry and token.expiry <= now else ""
            self.stdout.write(f"{token.token_key:<16} {_when(token.created):<20} {_when(token.expiry)}{expired}")

    def _revoke(self, *, token_id: str | None, all_of: str | None, **options):
        if all_of:
            count = api_tokens_revoke_all(actor=None, user=_user(all_of))
            self.stdout.write(f"Revoked {count} token{'' if count == 1 else 's'} of {all_of}.")
            return
        owner = api_token_revoke(actor=None, token_id=token_id)
        self.stdout.write(f"Revoked token {token_id.strip()} of {owner.username}.")


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise ApplicationError("There is no user with that username.", field="username")
    return user
