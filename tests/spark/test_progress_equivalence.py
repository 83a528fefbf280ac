"""The progress evaluation of every attached family gives the same results on Spark as on DuckDB.

Random families (the oracle test's county: facts on the edges of every window) are identified, the eligible
ones attached, half of them with an attestation, and judged on a later refresh; `outcomes.progress.evaluation`
then runs once per engine on the same published store. Every table the evaluation leaves (measure, line and
headline statuses, routes, doubtful links) and the progress and routes rows `pf progress` prints must be
equal row for row, and Spark must have run the evaluation's statements itself.
"""

from __future__ import annotations

import pytest

from outcomes.case_store import make_workspace, republish
from outcomes.test_oracle_agreement import A, _county
from priority_families.casedb.models import Attestation
from priority_families.core.calendar import shift_months
from priority_families.core.config import Settings, SparkSettings
from priority_families.core.engine import Workspace
from priority_families.core.spark import stop_spark
from priority_families.core.spark_sql import SparkExecutor
from priority_families.outcomes.attach import AttachmentRequest, attach_families
from priority_families.outcomes.progress import PROGRESS_SQL, ROUTES_SQL, evaluation

pytestmark = pytest.mark.spark

PLAN = "nottinghamshire-2015"
E = shift_months(A, 8)
OUTPUTS = ("measure_status", "line_status", "headline_status", "family_routes", "evaluated", "doubtful_links")


def _judged(ws: Workspace) -> dict[str, list[tuple]]:
    with evaluation(ws, E) as con:
        found = {t: con.execute(f"SELECT * FROM {t}").fetchall() for t in OUTPUTS}
        found["progress"] = con.execute(PROGRESS_SQL).fetchall()
        found["routes"] = con.execute(ROUTES_SQL).fetchall()
    # as multisets: PROGRESS_SQL orders by family, headline and line, not by a line's measures
    return {t: sorted(rows, key=repr) for t, rows in found.items()}


@pytest.mark.django_db(transaction=True)
def test_progress_of_every_attached_family_is_the_same_on_spark(tmp_path, monkeypatch):
    families, facts = _county(seed=11, n=40)
    ws = make_workspace(tmp_path, PLAN, families, facts, A)
    with ws.connect() as con:
        eligible = [r[0] for r in con.execute("SELECT family_id FROM cohort WHERE eligible ORDER BY 1").fetchall()]
    attach_families(ws, [AttachmentRequest(f, A, "Worker", "Agency") for f in eligible], actor="test")
    Attestation.objects.bulk_create(
        Attestation(family_id=f, headline="health", indicator="health_record", attested_by="Lead", attested_on=A,
                    statement="engaged", evidence_name="x", evidence_sha256="0" * 64, evidence_path="x")
        for f in eligible[::2])
    republish(ws, PLAN, families, facts, E)
    ran: list[int] = []
    publish = SparkExecutor.publish
    monkeypatch.setattr(SparkExecutor, "publish", lambda self, *a: (ran.append(self.statements), publish(self, *a))[1])
    spark = Workspace(Settings(workspace=tmp_path, threads=1, engine="spark", spark=SparkSettings(
        master="local[2]", shuffle_partitions=2, driver_memory="1g")))
    try:
        duck, on_spark = _judged(ws), _judged(spark)
    finally:
        stop_spark()
    assert ran and ran[0] > 20, "Spark ran the evaluation's statements"
    assert len(eligible) >= 5 and duck["progress"] and duck["routes"]
    for table, rows in duck.items():
        only_duck = [r for r in rows if r not in on_spark[table]][:5]
        only_spark = [r for r in on_spark[table] if r not in rows][:5]
        assert rows == on_spark[table], (
            f"{table} differs between the engines\n  only on DuckDB: {only_duck}\n  only on Spark: {only_spark}")
