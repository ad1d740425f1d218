"""The city's single sign-on through InvenioRDM's OAuth/OIDC client (issue 18; LZ Art. 26).

Off by default (``OAUTHCLIENT_REMOTE_APPS`` stays empty). A deployment turns it on
in ``invenio.cfg`` (README "Single sign-on"):

    from techdata.security.sso import city_sso_settings
    globals().update(city_sso_settings("https://sso.chengdu.gov.cn", "chengdu"))
    CITY_SSO_APP_CREDENTIALS = {"consumer_key": "...", "consumer_secret": "..."}

The city's identity provider speaks OpenID Connect (a Keycloak-style realm);
invenio-oauthclient's Keycloak helper builds the UI and REST remote apps. An
account that signs in this way for the first time is created confirmed by the
provider's e-mail, and still needs its entity membership verified like any other.
"""

from invenio_oauthclient.contrib.keycloak import KeycloakSettingsHelper

REMOTE = "cdsso"
"""The remote app's key (``/oauth/login/cdsso``)."""

APP_KEY = "CITY_SSO_APP_CREDENTIALS"
"""The setting that holds the client id and secret issued by the provider."""


def city_sso_settings(base_url, realm, title="成都市统一身份认证 City single sign-on",
                      description="Chengdu unified identity authentication",
                      legacy_url_path=False):
    """The settings that plug the city's OIDC provider in (to merge into the config)."""
    helper = KeycloakSettingsHelper(title=title, description=description, base_url=base_url,
                                    realm=realm, app_key=APP_KEY,
                                    legacy_url_path=legacy_url_path)
    return {
        "OAUTHCLIENT_REMOTE_APPS": {REMOTE: helper.remote_app},
        "OAUTHCLIENT_REST_REMOTE_APPS": {REMOTE: helper.remote_rest_app},
        "OAUTHCLIENT_KEYCLOAK_REALM_URL": helper.realm_url,
        "OAUTHCLIENT_KEYCLOAK_USER_INFO_URL": helper.user_info_url,
        "OAUTHCLIENT_KEYCLOAK_VERIFY_EXP": True,
        "OAUTHCLIENT_KEYCLOAK_VERIFY_AUD": True,
        "OAUTHCLIENT_KEYCLOAK_AUD": "techdata",
        "OAUTHCLIENT_KEYCLOAK_USER_INFO_FROM_ENDPOINT": True,
    }
