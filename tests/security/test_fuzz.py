"""Property-based fuzzing of every custom endpoint (issue 20 "Done when").

Every URL rule of our blueprints (endpoints named ``techdata...``) on the UI
app and on the REST app gets generated bad values (NUL, lone surrogates,
control characters, deep JSON, huge strings, arrays instead of objects,
invalid UTF-8) in its path arguments, query string and body, anonymously and
as a logged-in researcher. No answer may be a 5xx and nothing may be stored.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import api_app

BAD_CHARS = ["\x00", "\ud800", "\udfff", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85"]

bad_text = st.one_of(
    st.sampled_from(BAD_CHARS),
    st.builds(lambda a, c, b: a + c + b, st.text(max_size=8), st.sampled_from(BAD_CHARS),
              st.text(max_size=8)),
    st.text(alphabet=st.characters(categories=["Cc", "Cs"]), min_size=1, max_size=12),
)
"""Text holding at least one forbidden character."""

huge_text = st.sampled_from(["x" * 300_000, "土" * 100_000, "=1+1" * 50_000])
"""Strings far beyond any field's sensible length (under the body limit)."""

FIELD_NAMES = ["title", "title_zh", "number", "q", "email", "reason", "comment", "key", "status",
               "metadata", "recid", "entry_id", "name", "amount", "found_on", "payload"]


def _json(value):
    return json.dumps(value, ensure_ascii=True).encode()


json_body = st.one_of(
    st.builds(lambda k, v: _json({k: v}), st.sampled_from(FIELD_NAMES), bad_text),
    st.builds(lambda k, v: _json({"metadata": {k: [v]}}), st.sampled_from(FIELD_NAMES), bad_text),
    st.builds(lambda k, v: _json({k: v}), bad_text, st.text(max_size=5)),
    st.builds(lambda k, v: _json({k: v}), st.sampled_from(FIELD_NAMES), huge_text),
    st.builds(lambda n: ("[" * n + "]" * n).encode(), st.integers(33, 100_000)),
    st.builds(lambda n: (('{"a":' * n) + "1" + "}" * n).encode(), st.integers(33, 50_000)),
    st.builds(lambda v: _json([{"title": v}]), st.text(max_size=5)),
    st.sampled_from([b"\xff\xfe\xfd", b'{"title": "\xed\xa0\x80"}', b'"just a string"', b"12",
                     b"null", b"{", b'{"amount": 1e400}', b'{"amount": NaN}',
                     b'{"amount": 100000000000000000000000}', b"x" * (2 * 1024 * 1024 + 1)]),
)
"""Bad JSON bodies (as raw bytes)."""

path_value = st.one_of(bad_text, huge_text.map(lambda s: s[:5000]), st.just("1"))
query = st.dictionaries(st.sampled_from(["q", "page", "size", "sort", "status", "type"]),
                        st.one_of(bad_text, huge_text.map(lambda s: s[:5000])), min_size=1,
                        max_size=3)


def _our_rules(flask_app, prefix):
    """``(prefix + rule, methods, argument names)`` of our endpoints on ``flask_app``."""
    out = []
    for rule in flask_app.url_map.iter_rules():
        if not rule.endpoint.startswith("techdata"):
            continue
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        out.append((prefix, rule, methods))
    return out


@pytest.fixture()
def endpoints(running_app):
    """Every URL rule of ours, UI and REST."""
    rules = _our_rules(running_app, "") + _our_rules(api_app(running_app), "/api")
    assert len(rules) > 40, [str(r[1]) for r in rules]
    return rules


def _url(prefix, rule, value):
    """The rule's URL with every argument set to ``value`` (integers and UUIDs kept valid)."""
    from urllib.parse import quote

    args = {}
    for name in rule.arguments:
        if name not in rule._converters:  # given by the rule's defaults, not the URL
            continue
        converter = rule._converters[name].__class__.__name__
        if converter == "IntegerConverter":
            args[name] = 1
        elif converter == "UUIDConverter":
            args[name] = "00000000-0000-0000-0000-000000000001"
        elif converter == "AnyConverter":
            args[name] = sorted(rule._converters[name].items)[0] if hasattr(
                rule._converters[name], "items") else "inbox"
        else:
            args[name] = quote(value.encode("utf-8", "surrogatepass"), safe="")
    path = rule.rule
    for name, val in args.items():
        path = path.replace(f"<{name}>", str(val))
        for conv in ("int", "uuid", "path", "string"):
            path = path.replace(f"<{conv}:{name}>", str(val))
        if f":{name}>" in path:  # <any(...):name>
            start = path.index("<any(")
            path = path[:start] + str(val) + path[path.index(f":{name}>") + len(name) + 2:]
    return prefix + path


def _encoded(pairs):
    """``application/x-www-form-urlencoded`` text of ``pairs``, lone surrogates kept as bytes.

    Werkzeug's test client refuses to encode a lone surrogate itself; a real
    client can send its (invalid) UTF-8 bytes, so they are percent-encoded here.
    """
    from urllib.parse import quote

    def enc(text):
        return quote(text.encode("utf-8", "surrogatepass"), safe="")

    return "&".join(f"{enc(k)}={enc(v)}" for k, v in pairs.items())


def _send(client, data, prefix, rule, method):
    """One request with drawn bad values to ``method`` ``rule``; returns the response."""
    url = _url(prefix, rule, data.draw(path_value, label=f"path value {rule}"))
    kwargs = {"query_string": _encoded(data.draw(query, label="query"))}
    if method in ("POST", "PUT", "PATCH", "DELETE"):
        if data.draw(st.booleans(), label="json body"):
            kwargs.update(data=data.draw(json_body, label="json"),
                          content_type="application/json")
        else:
            form = data.draw(st.dictionaries(st.sampled_from(FIELD_NAMES), bad_text,
                                             min_size=1, max_size=3), label="form")
            kwargs.update(data=_encoded(form).encode("ascii"),
                          content_type="application/x-www-form-urlencoded")
    return url, client.open(url, method=method, **kwargs)


@settings(max_examples=8, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_no_5xx_and_nothing_stored(running_app, client, researcher, endpoints, stored_counts,
                                   data):
    """Bad values in every endpoint of ours: a 4xx (or a page), never a 5xx or a row.

    Each example draws who calls (anonymous or the researcher) and, for every
    endpoint and method, bad values for its path, query string and body.
    """
    before = stored_counts()
    if data.draw(st.booleans(), label="logged in"):
        researcher.login(client)
    else:
        researcher.logout(client)
    for prefix, rule, methods in endpoints:
        for method in methods:
            url, res = _send(client, data, prefix, rule, method)
            assert res.status_code < 500, (method, url[:300], res.status_code,
                                           res.get_data()[:500])
    assert stored_counts() == before


def test_every_endpoint_of_ours_is_covered(endpoints):
    """The endpoints fuzzed include the REST and the page endpoints of every feature."""
    names = {rule.endpoint.split(".")[0] for _prefix, rule, _m in endpoints}
    for blueprint in ("techdata_projects", "techdata_directory_api", "techdata_access_api",
                      "techdata_identifiers", "techdata_review_api"):
        assert blueprint in names, names
