"""API authentication by the project's own tokens (accounts.ApiToken), in place of DRF's authtoken.

``Authorization: Token <token>`` as before; the token is looked up by its SHA-256, and an unknown,
expired or revoked token (or one of an inactive user) is refused with 401 on every endpoint.
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from . import services


class ApiTokenAuthentication(TokenAuthentication):
    """First in DEFAULT_AUTHENTICATION_CLASSES, so that a refusal answers 401 with
    ``WWW-Authenticate: Token`` (DRF takes the header of the first class)."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        try:
            token = services.api_token_authenticate(key)
        except services.TokenError as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from exc
        return token.user, token
