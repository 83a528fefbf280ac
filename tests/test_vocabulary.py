"""The one vocabulary: shipped labels, a plan's own labels, and unknown codes kept visible."""

from priority_families.core.vocabulary import Vocabulary, actor_label, label
from priority_families.ingest.schema import FACT_KINDS
from priority_families.plans.loader import load_plan


def test_every_fact_kind_and_its_kinds_have_a_label():
    vocab = Vocabulary()
    facts = vocab.codes("fact")
    kinds = vocab.codes("kind")
    missing = [fact for fact in FACT_KINDS if fact not in facts]
    for fact, spec in FACT_KINDS.items():
        for column in spec.columns:
            missing += [f"{fact}.{k}" for k in (getattr(column, "kinds", None) or ()) if k not in kinds
                        and k not in vocab.codes("benefit")]
    assert missing == []


def test_labels_read_as_words():
    assert label("benefit", "CA") == "Carer's Allowance"
    assert label("source", "school_census") == "School census"
    assert label("kind", "a_new_kind") == "a new kind"
    assert label("kind", None) == ""
    assert actor_label("cli:root") == "root (the command line)"
    assert actor_label("demo-worker") == "demo-worker"


def test_a_plan_widens_the_vocabulary_with_its_own_codes():
    plan = load_plan("nottinghamshire-2015")
    vocab = plan.vocabulary()
    headline = plan.headlines[0]
    assert vocab.label("headline", headline.id) == headline.title
    _, line = plan.indicators()[0]
    assert vocab.label("line", line.id) == line.label
    assert vocab.label("benefit", "JSA") == "Jobseeker's Allowance"
    route = plan.claim_routes[0]
    assert vocab.label("claim_route", route.id) not in ("", route.id)
