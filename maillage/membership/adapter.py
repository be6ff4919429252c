"""django-allauth's account adapter, adjusted where the platform has its own rule."""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from maillage.core.ratelimit import client_address


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        """The address allauth's limits (sign-in, sign-up, password reset) count by: the same as
        every other limit, so that behind the proxy one visitor cannot lock out the others."""
        return client_address(request)
