"""JS/CSS bundles of the site (the theme lives in the instance's assets/)."""

from invenio_assets.webpack import WebpackThemeBundle

theme = WebpackThemeBundle(
    __name__,
    "assets",
    default="semantic-ui",
    themes={"semantic-ui": dict(entry={})},
)
"""The site's webpack bundle; entries are added as capabilities need them."""
