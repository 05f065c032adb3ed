"""The lint runner: object and set rules, locations, suppressions, rule crashes, namespaces."""

from __future__ import annotations

from kubelint.k8s.podspec import parse_extra
from kubelint.model import Document, object_ref
from kubelint.rules.engine import Settings, Violation
from kubelint.rules.runner import view_of

from .helpers import BOOM, LATEST, SAME_NAME, lint, make_rule

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: shop{annotations}
spec:
  containers:
  - name: web
    image: nginx:latest{comment}
"""


def pod(name: str = "web", annotations: str = "", comment: str = "") -> str:
    return POD.format(name=name, annotations=annotations, comment=comment)


def codes(findings) -> list[tuple[str, int]]:
    return [(f.name, f.line) for f in findings]


def test_object_rule_is_located_at_its_path() -> None:
    (f,) = lint({"a.yaml": pod()}, [LATEST])
    assert (f.code, f.line, f.column) == ("KL981", 9, 12)
    assert f.path_text == "spec.containers[0].image"
    assert str(f.ref) == "Pod shop/web"


def test_rule_crash_is_a_finding_naming_rule_and_object() -> None:
    findings = lint({"a.yaml": pod("boom")}, [BOOM, LATEST])
    assert codes(findings) == [("rule-error", 1), ("test-latest", 9)]
    assert "KL982 test-boom on Pod shop/boom: KeyError" in findings[0].message


def test_set_rule_sees_every_file() -> None:
    service = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n"
    findings = lint({"a.yaml": pod(), "b.yaml": service}, [SAME_NAME])
    assert [(f.source, f.line, f.name) for f in findings] == [("b.yaml", 3, "test-same-name")]


def test_annotation_suppresses_listed_rules_only() -> None:
    note = "\n  annotations:\n    kubelint.io/ignore: test-latest -- pinned upstream"
    assert lint({"a.yaml": pod(annotations=note)}) == []
    note = "\n  annotations:\n    kubelint.io/ignore: KL983"
    found = codes(lint({"a.yaml": pod(annotations=note)}))
    assert found == [("unused-suppression", 7), ("test-latest", 11)]


def test_comment_on_the_line_or_above_it() -> None:
    trailing = pod(comment="  # kubelint: ignore=test-latest")
    assert lint({"a.yaml": trailing}) == []
    above = pod().replace("    image:", "    # kubelint: ignore=KL981 -- demo\n    image:")
    assert lint({"a.yaml": above}) == []
    elsewhere = pod().replace("  - name: web", "  - name: web  # kubelint: ignore=test-latest")
    assert codes(lint({"a.yaml": elsewhere})) == [("unused-suppression", 8), ("test-latest", 9)]


def test_bare_comment_suppresses_everything_on_the_line() -> None:
    assert lint({"a.yaml": pod(comment="  # kubelint: ignore")}) == []


def test_unknown_names_are_reported() -> None:
    found = lint({"a.yaml": pod(comment="  # kubelint: ignore=test-latest,no-such-rule")})
    assert codes(found) == [("unknown-suppression", 9)]
    assert "'no-such-rule'" in found[0].message


def test_suppression_of_disabled_rule_is_not_unused() -> None:
    text = pod(comment="  # kubelint: ignore=test-latest")
    assert lint({"a.yaml": text}, [SAME_NAME]) == []  # test-latest is known but not enabled


def test_suppressions_cover_loading_findings() -> None:
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: '1'\n"
        "  a: '2'  # kubelint: ignore=duplicate-key\n"
    )
    assert lint({"a.yaml": text}) == []
    assert codes(lint({"a.yaml": text.replace("  # kubelint: ignore=duplicate-key", "")})) == [
        ("duplicate-key", 6)
    ]


def test_effective_namespace() -> None:
    settings = Settings(default_namespace="dev")

    def namespace(api_version: str, kind: str, metadata: dict) -> str:
        body = {"apiVersion": api_version, "kind": kind, "metadata": metadata}
        return view_of(Document(body, "x.yaml", 0, 1, object_ref(body)), settings).namespace

    assert namespace("v1", "ConfigMap", {"name": "c", "namespace": "shop"}) == "shop"
    assert namespace("v1", "ConfigMap", {"name": "c"}) == "dev"
    cluster_role = ("rbac.authorization.k8s.io/v1", "ClusterRole")
    assert namespace(*cluster_role, {"name": "r", "namespace": "shop"}) == ""
    assert namespace("example.com/v1", "Widget", {"name": "w"}) == "dev"  # unknown: namespaced


def test_template_paths_make_custom_workloads_visible() -> None:
    rollout = pod().replace(
        "apiVersion: v1\nkind: Pod", "apiVersion: argoproj.io/v1alpha1\nkind: Rollout"
    )
    rollout = rollout.replace(
        "spec:\n  containers:", "spec:\n  template:\n    spec:\n      containers:"
    )
    rollout = rollout.replace("  - name: web\n    image", "      - name: web\n        image")
    assert lint({"r.yaml": rollout}, [LATEST]) == []
    settings = Settings(template_paths=parse_extra({"argoproj.io/Rollout": "spec.template"}))
    (f,) = lint({"r.yaml": rollout}, [LATEST], settings)
    assert f.path_text == "spec.template.spec.containers[0].image" and f.line == 11


def test_output_is_sorted_and_stable() -> None:
    texts = {"b.yaml": pod("b"), "a.yaml": pod("a") + "---\n" + pod("c")}
    first = lint(texts)
    assert first == lint(dict(reversed(texts.items())))
    assert [(f.source, f.line) for f in first] == [("a.yaml", 9), ("a.yaml", 19), ("b.yaml", 9)]


def test_set_rule_crash_keeps_the_run_going() -> None:
    def broken(ctx):
        yield ctx.objects[0], Violation(("metadata",), "first")
        raise ValueError("index out of range")

    rule = make_rule("KL984", "test-broken-set", broken, scope="set")
    findings = lint({"a.yaml": pod()}, [rule, LATEST])
    assert [(f.source, f.name) for f in findings] == [
        ("<kubelint>", "rule-error"),
        ("a.yaml", "test-broken-set"),
        ("a.yaml", "test-latest"),
    ]
    assert "KL984 test-broken-set: ValueError: index out of range" in findings[0].message


def test_malformed_violations_are_rule_errors() -> None:
    def bad_path(obj):
        yield Violation(("spec", 1.5), "float in path")

    def not_a_violation(ctx):
        yield ctx.objects[0], ("spec",)

    rules = [
        make_rule("KL985", "test-bad-path", bad_path),
        make_rule("KL986", "test-tuple", not_a_violation, scope="set"),
    ]
    found = lint({"a.yaml": pod()}, rules)
    assert [f.name for f in found] == ["rule-error", "rule-error"]
    assert "malformed violation" in found[1].message


def test_documents_travel_between_processes_with_their_positions() -> None:
    import pickle

    from kubelint.load import load_text
    from kubelint.rules.runner import LintFile

    items = "apiVersion: v1\nkind: List\nitems:\n- " + pod("a").replace("\n", "\n  ").rstrip()
    text = pod("b") + "---\n" + items + "\n"
    loaded = load_text(text, "x.yaml")
    sent = LintFile("x.yaml", text)
    sent.documents = loaded.documents
    back = pickle.loads(pickle.dumps(sent)).documents
    assert [(d.body, d.ref, d.index, d.line, d.base_path) for d in back] == [
        (d.body, d.ref, d.index, d.line, d.base_path) for d in loaded.documents
    ]
    path = ("spec", "containers", 0, "image")
    assert [d.locate(path) for d in back] == [d.locate(path) for d in loaded.documents]
    assert [d.locate(path).line for d in back] == [9, 22]


def test_two_comments_for_one_line_are_both_honoured() -> None:
    text = pod(comment="  # kubelint: ignore=test-latest").replace(
        "    image:", "    # kubelint: ignore=KL981\n    image:"
    )
    assert lint({"a.yaml": text}) == []
    text = text.replace("ignore=KL981", "ignore=KL983")
    assert codes(lint({"a.yaml": text})) == [("unused-suppression", 9)]
