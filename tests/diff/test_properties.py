"""Properties of diff over generated manifests (kubelint.strategies)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubelint import strategies as ks
from kubelint.diff import Op, Status, apply_patch, diff
from kubelint.diff.match import identity
from kubelint.diff.normalize import ListKeys
from kubelint.diff.render import RENDERERS
from kubelint.diff.walk import _item_keys
from kubelint.model import object_ref
from kubelint.schema.registry import SchemaRegistry
from tests.diff.helpers import field_set

SLOW_OK = settings(
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None
)
QUARTER = settings(SLOW_OK, max_examples=max(10, settings.default.max_examples // 4))
KEYS = ListKeys(SchemaRegistry())
KINDS = st.sampled_from(["Deployment", "Service", "StatefulSet", "Pod", "NetworkPolicy", "Job"])


def by_identity(objects: list[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    return {identity(object_ref(o)): o for o in objects}


@st.composite
def related_sets(draw) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Two manifest sets whose objects share identities where hypothesis decides: B's objects
    take A's namespace and names, so they are compared field by field."""
    a = draw(ks.manifest_sets())
    b = draw(ks.manifest_sets())
    for old, new in zip(a, b, strict=True):
        if draw(st.booleans()):
            new["metadata"]["namespace"] = old["metadata"]["namespace"]
            new["metadata"]["name"] = old["metadata"]["name"]
    extra = draw(st.lists(st.tuples(KINDS, st.booleans()), max_size=2))
    for kind, shared in extra:
        x = draw(ks.objects(kind=kind, namespace="ns"))
        y = draw(ks.objects(kind=kind, namespace="ns"))
        if shared:
            y["metadata"]["name"] = x["metadata"]["name"]
        a.append(x)
        b.append(y)
    return a, b


@given(ks.manifest_sets(), st.randoms(use_true_random=False))
@QUARTER
def test_a_set_equals_itself_in_any_document_order(objects, rnd):
    shuffled = copy.deepcopy(objects)
    rnd.shuffle(shuffled)
    assert not diff(objects, shuffled).changes
    assert not diff(objects, shuffled, show_defaults=True).changes


@given(related_sets())
@QUARTER
def test_patch_turns_a_into_b(sets):
    a, b = sets
    result = diff(a, b, show_defaults=True)
    assert by_identity(apply_patch(a, result)) == by_identity(b)


@given(related_sets())
@QUARTER
def test_diff_is_a_mirror_image(sets):
    a, b = sets
    forward = diff(a, b, rename_threshold=2)
    backward = diff(b, a, rename_threshold=2)
    mirror = {Status.ADDED: Status.REMOVED, Status.REMOVED: Status.ADDED}

    def sides(change, swap=False):
        names = (
            str(change.old.ref) if change.old else "",
            str(change.new.ref) if change.new else "",
        )
        return names[::-1] if swap else names

    forward_by = {sides(c): c for c in forward.changes}
    backward_by = {sides(c, swap=True): c for c in backward.changes}
    assert forward_by.keys() == backward_by.keys()
    for key, change in forward_by.items():
        twin = backward_by[key]
        assert twin.status == mirror.get(change.status, change.status)
        if change.status not in mirror:
            assert field_set([f.mirror() for f in change.fields]) == field_set(list(twin.fields))


def reverse_keyed_lists(value: Any, keys_for, path=()) -> int:
    """Reverse every list the schema keys (in place); returns how many had 2+ items."""
    count = 0
    if isinstance(value, dict):
        for key, item in value.items():
            count += reverse_keyed_lists(item, keys_for, (*path, key))
    elif isinstance(value, list):
        keys = keys_for(path)
        found = _item_keys(value, keys) if keys else None
        for i, item in enumerate(value):
            count += reverse_keyed_lists(item, keys_for, (*path, found[i] if found else i))
        if found and len(value) > 1:
            value.reverse()
            count += 1
    return count


ENV_NAMES = st.lists(
    st.from_regex(r"[A-Z][A-Z0-9_]{0,8}", fullmatch=True), min_size=2, max_size=5, unique=True
)


@given(ks.objects(kind="Deployment"), ENV_NAMES)
@QUARTER
def test_reordered_list_map_items_are_only_order_changes(obj, env_names):
    containers = obj["spec"]["template"]["spec"]["containers"]
    containers[0]["env"] = [{"name": n, "value": str(i)} for i, n in enumerate(env_names)]
    containers.append({**copy.deepcopy(containers[0]), "name": containers[0]["name"] + "-b"})
    reordered = copy.deepcopy(obj)
    lists = reverse_keyed_lists(reordered, KEYS.for_object(obj))
    assert lists >= 3  # containers and both env lists, at least
    result = diff([obj], [reordered], show_defaults=True)
    ops = [f.op for c in result.changes for f in c.fields]
    assert ops == [Op.ORDER] * lists
    recreate = obj["spec"].get("strategy", {}).get("type") == "Recreate"
    expected = "pods-recreated" if recreate else "pods-roll"
    assert [i.name for i in result.changes[0].impacts] == [expected]  # the template hash moved


PAIR_OF_INVALID = st.sampled_from(
    ["Deployment", "StatefulSet", "Service", "CronJob", "Job", "PersistentVolumeClaim", "Pod"]
).flatmap(lambda k: st.tuples(ks.objects(kind=k, valid=False), ks.objects(kind=k, valid=False)))


@given(PAIR_OF_INVALID)
@QUARTER
def test_invalid_objects_are_diffed_and_rendered_without_error(pair):
    a, b = (copy.deepcopy(p.object) for p in pair)
    if isinstance(a.get("metadata"), dict) and isinstance(b.get("metadata"), dict):
        b["metadata"].update(
            name=a["metadata"].get("name"), namespace=a["metadata"].get("namespace")
        )
    for result in (diff([a], [b]), diff([a], [b], show_defaults=True), diff([a], [])):
        for render in RENDERERS.values():
            assert render(result).endswith("\n")
