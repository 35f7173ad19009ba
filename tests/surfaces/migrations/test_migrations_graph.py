"""The revision graph: heads, merges, cycles, dangling parents, forward-only attachment."""

from __future__ import annotations

from migration_support import ENV, VERSIONS, classify, revision_text

from classifier.surfaces.migrations.graph import RevisionGraph
from classifier.surfaces.migrations.model import GraphFields


def graph(*edges: tuple[str, tuple[str, ...]]) -> RevisionGraph:
    return RevisionGraph.build({f"{rev}.py": GraphFields(rev, parents) for rev, parents in edges})


def test_two_heads_then_a_merge_revision_restores_one() -> None:
    forked = [("a", ()), ("b", ("a",)), ("c", ("a",))]
    assert graph(*forked).heads() == ("b", "c")
    assert graph(*forked, ("m", ("b", "c"))).heads() == ("m",)


def test_cycle_and_dangling_parent() -> None:
    cyclic = graph(("a", ()), ("b", ("c",)), ("c", ("b",)))
    assert cyclic.cycle() == ["b", "c", "b"]
    assert graph(("a", ()), ("b", ("zz",))).dangling() == [("b", "zz")]
    assert graph(("a", ()), ("b", ("a",))).cycle() is None


def test_order_is_base_first_and_survives_a_cycle() -> None:
    assert graph(("c", ("b",)), ("a", ()), ("b", ("a",))).order() == ["a", "b", "c"]
    assert sorted(graph(("b", ("c",)), ("c", ("b",))).order()) == ["b", "c"]


def test_branch_labels_resolve_as_parents() -> None:
    labelled = RevisionGraph.build({
        "a.py": GraphFields("a", (), ("accounts",)),
        "b.py": GraphFields("b", ("accounts",)),
    })
    assert labelled.heads() == ("b",) and labelled.dangling() == []


def test_a_long_linear_history_needs_no_recursion() -> None:
    edges = [("r0", ())] + [(f"r{i}", (f"r{i - 1}",)) for i in range(1, 5000)]
    long = graph(*edges)
    assert long.heads() == ("r4999",) and long.cycle() is None and len(long.ancestors("r4999")) == 5000


def test_two_branches_each_adding_a_revision_fork_the_graph(repo, capsys) -> None:
    repo.commit("base", **{"migrations/env.py": ENV, f"{VERSIONS}/0001_a.py": revision_text("0001", None)})
    repo.write(f"{VERSIONS}/0002_b.py", revision_text("0002", "0001"))
    repo.write(f"{VERSIONS}/0003_c.py", revision_text("0003", "0001"))
    run = classify(capsys, repo.path)
    assert run.code == 1
    assert ("MIG201", "0003_c.py", "2 heads (0002, 0003); add a merge revision or rebase onto the other head") in run.rules()
    repo.write(f"{VERSIONS}/0004_merge.py", revision_text("0004", ("0002", "0003")))
    assert [r for r in classify(capsys, repo.path).rules() if r[0].startswith("MIG2")] == []


def test_depends_on_links_branches_without_removing_a_head() -> None:
    branched = RevisionGraph.build({
        "a.py": GraphFields("a"),
        "b.py": GraphFields("b", ("a",)),
        "c.py": GraphFields("c", ("a",), depends_on=("b",)),
        "d.py": GraphFields("d", ("a",), depends_on=("missing",)),
    })
    assert branched.heads() == ("b", "c", "d")
    assert branched.dangling() == [("d", "missing")]
