from .views import healthz


class HealthCheckMiddleware:
    """Answer ``/healthz`` before host validation and the HTTPS redirect.

    Load balancers probe each node by its address over plain HTTP; those requests carry neither an
    allowed host name nor ``X-Forwarded-Proto``. The answer says nothing about the request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return healthz(request)
        return self.get_response(request)
