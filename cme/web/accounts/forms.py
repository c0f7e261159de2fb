"""Forms for signing in, two-factor sign-in and managing users, teams and organisations."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from cme.accounts.enums import OrganisationKind, Role
from cme.accounts.models import Organisation, Team
from cme.schools.models import School
from cme.web.forms import GovukForm, GovukFormMixin


class SignInForm(GovukFormMixin, AuthenticationForm):
    title = "Sign in"
    submit_label = "Sign in"
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been deactivated. Ask your system administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})


class TokenForm(GovukForm):
    title = "Enter the code from your authenticator app"
    submit_label = "Continue"
    token = forms.CharField(
        label="Code",
        help_text="The 6-digit code your authenticator app shows for this service.",
        max_length=6,
        min_length=6,
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app",
            "min_length": "The code must be 6 digits",
            "max_length": "The code must be 6 digits",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "govuk-input--width-5"}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("The code must be 6 digits")
        return token


def _role_choices():
    return [("", "Choose a role"), *list(Role.choices)]


class UserForm(GovukForm):
    """A user's details and role. Which binding applies (school, organisation) follows from the role."""

    submit_label = "Save user"
    first_name = forms.CharField(max_length=150, error_messages={"required": "Enter the user's first name"})
    last_name = forms.CharField(max_length=150, error_messages={"required": "Enter the user's last name"})
    email = forms.EmailField(
        label="Work email address",
        error_messages={
            "required": "Enter the user's work email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    job_title = forms.CharField(max_length=100, required=False)
    role = forms.ChoiceField(choices=_role_choices, error_messages={"required": "Choose the user's role"})
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False, empty_label="No team")
    school = forms.ModelChoiceField(
        queryset=School.objects.all(), required=False, empty_label="Not a school user", help_text="School users only."
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(),
        required=False,
        empty_label="Not a partner agency user",
        help_text="Partner agency users only.",
    )

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role == Role.SCHOOL_USER and not cleaned.get("school"):
            self.add_error("school", "Choose the school this user works for")
        if role == Role.PARTNER_USER and not cleaned.get("organisation"):
            self.add_error("organisation", "Choose the organisation this user works for")
        return cleaned


class UserCreateForm(UserForm):
    title = "Add a user"
    submit_label = "Add user"
    username = forms.CharField(max_length=150, error_messages={"required": "Enter a username"})
    password = forms.CharField(
        label="Initial password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=(
            "At least 12 characters. Give it to the user in person; "
            "they set up two-factor sign-in when they first sign in."
        ),
        error_messages={"required": "Enter an initial password"},
    )
    field_order = [
        "username",
        "first_name",
        "last_name",
        "email",
        "job_title",
        "role",
        "team",
        "school",
        "organisation",
        "password",
    ]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class UserUpdateForm(UserForm):
    title = "Change user"
    is_active = forms.BooleanField(label="Account is active", required=False)


class TeamForm(GovukForm):
    title = "Add a team"
    submit_label = "Add team"
    name = forms.CharField(max_length=100, error_messages={"required": "Enter the team's name"})
    description = forms.CharField(max_length=300, required=False)


class OrganisationForm(GovukForm):
    title = "Add a partner organisation"
    submit_label = "Add organisation"
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the organisation's name"})
    kind = forms.ChoiceField(
        label="Type of organisation",
        choices=[("", "Choose a type"), *list(OrganisationKind.choices)],
        error_messages={"required": "Choose the type of organisation"},
    )
    email = forms.EmailField(
        label="Shared mailbox",
        required=False,
        help_text="A team mailbox, not a person's own address.",
        error_messages={"invalid": "Enter an email address in the correct format, like team@example.org"},
    )
