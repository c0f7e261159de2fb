"""`cme token create USERNAME`: print a new API token for an integration acting as USERNAME."""

from django.core.management.base import BaseCommand, CommandError

from cme.accounts.services import api_token_create
from cme.common.errors import ApplicationError


class Command(BaseCommand):
    help = "Manage API tokens. `create USERNAME` prints a new token; it is shown once and stored only as a hash."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token for USERNAME and print it.")
        create.add_argument("username")
        create.add_argument("--days", type=int, default=90, help="Days until the token expires (default 90).")

    def handle(self, *args, action: str, username: str, days: int, **options):
        try:
            token = api_token_create(actor=None, username=username, days=days)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(token)
