"""A URL that queues a task the way a service does, for tests of what a request sees."""

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path

from mulin.core.tasks import enqueue


@login_not_required
def enqueue_view(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        task = enqueue("core_test.record", value="from-request")
    return HttpResponse(str(task.pk))


urlpatterns = [path("enqueue/", enqueue_view)]
