"""The two-operation OpenAPI document the trust and hook tests commit, and its forms with one operation dropped."""

OPENAPI = """\
openapi: 3.1.0
info: {title: Service, version: "1"}
paths:
  /teams:
    get:
      responses:
        "200": {description: ok}
  /users:
    get:
      responses:
        "200": {description: ok}
"""


def without_teams() -> str:
    """``GET /teams`` removed: a breaking change."""
    return OPENAPI.split("  /teams:")[0] + "  /users:" + OPENAPI.split("  /users:")[1]


def without_users() -> str:
    """``GET /users`` removed: a breaking change."""
    return OPENAPI.split("  /users:")[0]
