"""The esup command answers user mistakes with one line and exit code 2, never a traceback."""

from tests.conftest import esup_cli


def test_bad_as_of_is_one_line(tmp_path):
    sources = tmp_path / "sources.yml"
    sources.write_text("sources: []\n")
    result = esup_cli("run", "--sources", str(sources), "--as-of", "yesterday", check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "esup run: error: --as-of 'yesterday' is not an ISO timestamp such as 2026-11-20T18:00:00+08:00"
    )


def test_missing_source_list_is_one_line(tmp_path):
    result = esup_cli("run", "--sources", str(tmp_path / "none.yml"), "--as-of", "2026-11-20", check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == f"esup run: error: source list {tmp_path / 'none.yml'} does not exist"


def test_unreachable_warehouse_is_one_line(tmp_path):
    sources = tmp_path / "sources.yml"
    sources.write_text("sources: []\n")
    result = esup_cli(
        "run",
        "--sources",
        str(sources),
        "--as-of",
        "2026-11-20",
        env={"ESUP_WAREHOUSE_URL": "postgresql://postgres@127.0.0.1:1/none"},
        check=False,
    )
    assert result.returncode == 2
    assert "is unreachable" in result.stderr and "esup db start" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_flag_is_refused():
    result = esup_cli("run", "--as-of", "2026-11-20", "--colour", "red", check=False)
    assert result.returncode == 2
    assert "unrecognized arguments: --colour red" in result.stderr
