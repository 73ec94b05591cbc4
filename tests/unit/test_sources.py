"""The source list: valid entries load, every mistake is named in one line."""

import pytest

from esup.sources import Source, SourceListError, load_sources, parse_sources


def entry(**overrides):
    base = {
        "name": "scjgj",
        "kind": "department",
        "department_code": "SCJGJ",
        "url": "postgresql://u:p@db:5432/exchange_scjgj",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def test_valid_list_of_every_kind():
    sources = parse_sources(
        {
            "sources": [
                entry(county_code=320900),
                entry(name="legal", kind="legal_office", department_code=None),
                entry(name="portal", kind="portal", department_code=None),
                entry(name="office", kind="supervision", department_code=None),
            ]
        }
    )
    assert [s.kind for s in sources] == ["department", "legal_office", "portal", "supervision"]
    assert sources[0].county_code == "320900"
    assert sources[1].department_code is None


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (entry(name="SCJ-GJ"), "name must match"),
        (entry(kind="bureau"), "kind must be one of"),
        (entry(url="mysql://x"), "url must be a postgresql:// URL"),
        (entry(department_code=None), "needs a department_code"),
        (entry(name="portal", kind="portal"), "department_code is for kind department only"),
        (entry(colour="red"), "unknown key(s) colour"),
    ],
)
def test_each_mistake_is_named(bad, message):
    with pytest.raises(SourceListError, match=message.replace("(", r"\(").replace(")", r"\)")) as caught:
        parse_sources({"sources": [bad]})
    assert "\n" not in str(caught.value)


def test_duplicate_names_are_refused():
    with pytest.raises(SourceListError, match="source scjgj: name is used twice"):
        parse_sources({"sources": [entry(), entry()]})


def test_credentials_come_from_the_environment(monkeypatch):
    source = Source("scjgj", "department", "postgresql://${EX_USER}:${EX_PASS}@db/x", "SCJGJ")
    monkeypatch.setenv("EX_USER", "reader")
    monkeypatch.setenv("EX_PASS", "s3cret")
    assert source.resolved_url() == "postgresql://reader:s3cret@db/x"
    monkeypatch.delenv("EX_PASS")
    with pytest.raises(SourceListError, match="source scjgj: environment variable EX_PASS"):
        source.resolved_url()


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(SourceListError, match="does not exist"):
        load_sources(tmp_path / "nope.yml")
    broken = tmp_path / "broken.yml"
    broken.write_text("sources: [unclosed")
    with pytest.raises(SourceListError, match="is not valid YAML"):
        load_sources(broken)
    empty = tmp_path / "empty.yml"
    empty.write_text("other: 1\n")
    with pytest.raises(SourceListError, match="expected a mapping with a 'sources' list"):
        load_sources(empty)
