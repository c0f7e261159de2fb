"""`cme training`: the training site's database, its trainees, and putting a trainee's exercises back.

    cme training setup [--children N] [--seed S]   make the training database (an empty one only) and mark it
    cme training add-trainee USERNAME --first-name F --last-name L --email E
    cme training reset [USERNAME]                  put one trainee's exercises (or every trainee's) back as they were

Every subcommand needs CME_TRAINING=1 (docs/operating.md, "A training site").
"""

from django.core.management.base import BaseCommand, CommandError

from cme.accounts.models import User
from cme.training.services import TrainingRefused, trainee_add, trainee_reset, trainees, training_setup


class Command(BaseCommand):
    help = "The training site: make its database, add trainees, put a trainee's exercises back as they were."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="{setup,add-trainee,reset}")
        setup = commands.add_parser("setup", help="Make the training database from the synthetic borough.")
        setup.add_argument("--children", type=int, default=8000)
        setup.add_argument("--seed", type=int, default=2026)
        add = commands.add_parser("add-trainee", help="Add a trainee (a CME officer) with their own exercises.")
        add.add_argument("username")
        add.add_argument("--first-name", required=True)
        add.add_argument("--last-name", required=True)
        add.add_argument("--email", required=True)
        reset = commands.add_parser("reset", help="Put a trainee's exercises back as they were (all, with no name).")
        reset.add_argument("username", nargs="?")

    def handle(self, *args, subcommand: str, **options):
        try:
            if subcommand == "setup":
                site = training_setup(children=options["children"], seed=options["seed"])
                self.stdout.write(
                    f"Training site made: {site.children} made-up children. Add trainees with "
                    "`cme training add-trainee`."
                )
            elif subcommand == "add-trainee":
                user, password = trainee_add(
                    username=options["username"],
                    first_name=options["first_name"],
                    last_name=options["last_name"],
                    email=options["email"],
                )
                self.stdout.write(
                    f"Trainee {user.username} added with their own exercises. One-off password: {password}\n"
                    "They set up an authenticator app when they first sign in."
                )
            else:
                self._reset(options["username"])
        except TrainingRefused as error:
            raise CommandError(str(error)) from error

    def _reset(self, username: str | None) -> None:
        if username:
            user = User.objects.filter(username=username).first()
            if user is None or user not in trainees():
                raise CommandError(f"{username} is not a trainee on this training site.")
            people = [user]
        else:
            people = trainees()
        for person in people:
            removed = trainee_reset(trainee=person)
            self.stdout.write(
                f"{person.username}: exercises put back as they were ({sum(removed.values())} rows removed)."
            )
        if not people:
            self.stdout.write("There are no trainees to reset.")
