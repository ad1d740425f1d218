"""JS/CSS bundles of the site (the theme lives in the instance's assets/)."""

from invenio_assets.webpack import WebpackThemeBundle

theme = WebpackThemeBundle(
    __name__,
    "assets",
    default="semantic-ui",
    themes={
        "semantic-ui": dict(
            entry={
                # evaluation pages (issue 19): trend lines and rankings
                "techdata-evaluation": "./js/techdata/evaluation.js",
            },
            dependencies={"echarts": "5.6.0"},  # Apache ECharts, ZH/EN locales built in
        )
    },
)
"""The site's webpack bundle; entries are added as capabilities need them."""
