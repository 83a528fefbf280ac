"""`--engine spark` where Spark cannot run: one line saying what to install, nothing touched; the dialect seam.

These start no JVM: they hide pyspark or Java from the checks that run before any session starts.
"""

from __future__ import annotations

import importlib.util

import pytest
from typer.testing import CliRunner

from priority_families.cli.app import app
from priority_families.core import spark as spark_module
from priority_families.core.engine import transpile
from priority_families.core.spark import EngineUnavailable, require_spark

runner = CliRunner()


@pytest.fixture
def no_java(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no java on the path
    monkeypatch.delenv("JAVA_HOME", raising=False)


@pytest.fixture
def no_pyspark(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(spark_module.importlib.util, "find_spec",
                        lambda name, *a: None if name == "pyspark" else real(name, *a))


def test_without_pyspark_says_to_install_the_extra(no_pyspark):
    with pytest.raises(EngineUnavailable, match=r"pip install 'priority-families\[spark\]'"):
        require_spark()


def test_without_java_says_to_install_java(no_java):
    with pytest.raises(EngineUnavailable, match="default-jre-headless"):
        require_spark()


@pytest.mark.parametrize("command", ["ingest", "identify", "link", "progress", "web"])
def test_cli_stops_with_one_line_and_publishes_nothing(no_java, tmp_path, command):
    extracts = tmp_path / "extracts"
    extracts.mkdir()
    ws = tmp_path / "ws"
    given = {"identify": [str(extracts), "--out", str(tmp_path / "out"), "--as-of", "2015-07-31"],
             "ingest": [str(extracts), "--as-of", "2015-07-31"], "progress": ["--as-of", "2015-07-31"],
             "web": ["publish"]}.get(command, [])
    args = [command, *given, "-w", str(ws), "--engine", "spark"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "default-jre-headless" in lines[0], (result.output, result.exception)
    assert "Traceback" not in result.output and "py4j" not in result.output
    assert not (ws / "store.duckdb").exists()


def test_bad_spark_configuration_names_the_file_and_setting(tmp_path):
    config = tmp_path / "spark.yaml"
    config.write_text("master: local[2]\ndriver_memory: lots\n", encoding="utf-8")
    result = runner.invoke(app, ["link", "-w", str(tmp_path / "ws"), "--engine", "spark", "--spark-config",
                                 str(config)])
    assert result.exit_code == 1
    assert "spark.yaml" in result.output and "driver_memory" in result.output
    assert not (tmp_path / "ws" / "store.duckdb").exists()


def test_only_spark_settings_pass_through_the_run_configuration(tmp_path):
    config = tmp_path / "spark.yaml"
    config.write_text("conf: {spark.hadoop.fs.s3a.endpoint: s3.eu-west-2.amazonaws.com, fs.s3a.secret.key: x}\n",
                      encoding="utf-8")
    result = runner.invoke(app, ["link", "-w", str(tmp_path / "ws"), "--engine", "spark", "--spark-config",
                                 str(config)])
    assert result.exit_code == 1
    assert "conf" in result.output and "fs.s3a.secret.key" in result.output and "spark.hadoop." in result.output


def test_spark_sql_keeps_duckdb_meaning():
    """Spark's names for DuckDB's functions, NULL where DuckDB answers NULL, tuples compared as columns."""
    sql = transpile("SELECT jaro_winkler_similarity(a, b) >= 0.8, hamming(a, b) <= 1, len(list_intersect(x, y)), "
                    "damerau_levenshtein(a, b) FROM t WHERE (a, b) IN (SELECT (p, q) FROM s)", "spark")
    assert "PF_JARO_WINKLER(a, b)" in sql and "SIZE(ARRAY_INTERSECT(x, y))" in sql
    assert sql.count("CASE WHEN a IS NULL OR b IS NULL THEN NULL") == 3
    assert "IN (SELECT p, q FROM s)" in sql
    assert transpile("SELECT hamming(a, b)") == "SELECT hamming(a, b)"  # DuckDB's own SQL is untouched


def test_ingest_text_functions_keep_duckdb_meaning_on_spark():
    """RE2 read as Java reads it: a full match anchored at the very end (Java's `$` also matches before a final
    line break), `\\s` without the vertical tab, back-references as `$1`, named groups as a struct; accents
    folded by DuckDB's own function; a first-match-only replace refused unless anchored."""
    sql = transpile(r"SELECT regexp_full_match(trim(v), '[0-9]{4}'), regexp_replace(v, '\s', '', 'g'), "
                    r"regexp_replace(v, '^(A)(B)', '\2 \1'), regexp_extract(v, '^(x)?(y)$', ['a', 'b']), "
                    "upper(strip_accents(v)), strip_accents(v), list_sum([1, 2]), "
                    "try_strptime(v, '%Y-%m-%d'), TRY_CAST(v AS HUGEINT), json_object('k', v)", "spark")
    assert r"TRIM(v) RLIKE '^(?:[0-9]{4})\\z'" in sql
    assert r"REGEXP_REPLACE(v, '[\\t\\n\\f\\r ]', '')" in sql and "'$2 $1'" in sql
    assert "NAMED_STRUCT('a', REGEXP_EXTRACT(v, '^(x)?(y)$'), 'b', REGEXP_EXTRACT(v, '^(x)?(y)$', 2))" in sql
    assert "PF_UPPER_STRIP_ACCENTS(v)" in sql and "PF_STRIP_ACCENTS(v)" in sql and "AGGREGATE(" in sql
    assert "TO_DATE(v)" in sql and "TRY_CAST(v AS DECIMAL(38, 0))" in sql
    assert "TO_JSON(STRUCT(v AS k), MAP('ignoreNullFields', 'false'))" in sql
    with pytest.raises(ValueError, match="first match only"):
        transpile("SELECT regexp_replace(v, 'a', 'b')", "spark")
    with pytest.raises(ValueError, match="only %Y-%m-%d"):
        transpile("SELECT try_strptime(v, '%d/%m/%Y')", "spark")


@pytest.mark.parametrize("command", ["ingest", "identify"])
def test_duckdb_refuses_a_uri_naming_the_spark_engine(tmp_path, command):
    """A URI is read by Spark's filesystems only: DuckDB stops with one line that says to use --engine spark."""
    extracts = tmp_path / "extracts"
    extracts.mkdir()
    args = [command, extracts.as_uri(), "-w", str(tmp_path / "ws"), "--as-of", "2015-07-31"]
    result = runner.invoke(app, args + (["--out", str(tmp_path / "out")] if command == "identify" else []))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and extracts.as_uri() in lines[0] and "--engine spark" in lines[0], result.output
    assert not (tmp_path / "ws" / "store.duckdb").exists()
