"""The training site's exercises page: a trainee's scenarios, their steps and the check of what they did.

Found only on a training installation (CME_TRAINING=1); anywhere else the page does not exist (404).
"""

from django.conf import settings
from django.http import Http404
from django.views.generic import TemplateView

from cme.training.models import TraineeScenario
from cme.training.scenarios import progress
from cme.training.services import trainees
from cme.web.mixins import PermissionRequiredMixin


class TrainingExercisesView(PermissionRequiredMixin, TemplateView):
    permission_required = "web.view_home"
    template_name = "training/exercises.html"
    nav_section = "training"

    def dispatch(self, request, *args, **kwargs):
        if not settings.CME_TRAINING:
            raise Http404("There is no training on this site.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        scenario = TraineeScenario.objects.filter(trainee=user).select_related("trainee").first()
        overview = None
        if user.has_perm("cases.view_team_caseload"):  # a manager, the trainer: how each trainee is getting on
            overview = [
                (trainee, progress(TraineeScenario.objects.select_related("trainee").get(trainee=trainee)))
                for trainee in trainees()
            ]
        return super().get_context_data(exercises=progress(scenario) if scenario else None, overview=overview, **kwargs)
