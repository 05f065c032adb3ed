#!/usr/bin/env python3
"""Build the kubelint benchmark sets from the read-only manifest corpus.

Sets (written under OUT, default ``bench/.work/``):

- ``big/``: BIG_OBJECTS objects in files of DOCS_PER_FILE documents each, made by cycling, in
  sorted (path, index) order, through the corpus documents whose apiVersion/kind is a built-in
  kind served by Kubernetes 1.32 (CustomResourceDefinitions excluded). Each document keeps its
  original text byte for byte; from the second cycle on, ``-c<cycle>`` is inserted after
  ``metadata.name`` (no re-serialisation) when the result stays a valid 63-character name, so
  most objects have a distinct identity.
- ``corpus``: not copied; the corpus valid folders are listed in the manifest.
- ``single``: ``bench/single.yaml`` (a Deployment and a Service).

``OUT/sets.json`` records, per set, the root directory, the files (relative to the root) with
their document counts, and the byte count; ``bench/run.py`` reads it. The output is the same,
byte for byte, on every run.

Usage: make_set.py [--corpus DIR] [OUT]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import re
import shutil
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
DEFAULT_OUT = BENCH_DIR / ".work"
SINGLE_FILE = BENCH_DIR / "single.yaml"

KUBERNETES_VERSION = "1.32.0"
NON_VALID_PARTS = ("broken", "templated")
EXCLUDED_KINDS = frozenset({"CustomResourceDefinition"})
BIG_OBJECTS = 50_000
DOCS_PER_FILE = 10
MAX_NAME_LENGTH = 63
RENAMABLE = re.compile(r"[a-z0-9]([-a-z0-9.:]*[a-z0-9])?")

Node = Any  # a PyYAML or ruamel.yaml node


class CorpusLoader(yaml.CSafeLoader):
    """libyaml loader; composition only, so the `=` (tag:yaml.org,2002:value) scalars are fine."""


@dataclass(frozen=True)
class SourceDocument:
    """One non-empty document of a corpus file, with its original text."""

    path: str  # relative to the corpus root, POSIX separators
    index: int  # position among the file's non-empty documents
    api_version: str | None
    kind: str | None
    text: str
    name_end: int | None  # offset in `text` where a name suffix may be inserted

    def renamed(self, cycle: int) -> str:
        """The document text, with `-c<cycle>` appended to metadata.name when allowed."""
        if cycle == 0 or self.name_end is None:
            return self.text
        return self.text[: self.name_end] + name_suffix(cycle) + self.text[self.name_end :]


def name_suffix(cycle: int) -> str:
    return f"-c{cycle}"


def valid_corpus_files(corpus: Path) -> list[Path]:
    """Every file of the valid folders, sorted by relative POSIX path."""
    files = [
        path
        for top in corpus.iterdir()
        if top.is_dir() and top.name not in NON_VALID_PARTS
        for path in top.rglob("*")
        if path.is_file()
    ]
    return sorted(files, key=lambda p: p.relative_to(corpus).as_posix())


def compose_documents(text: str) -> list[Node]:
    """Root nodes of every document; libyaml first, ruamel.yaml for files libyaml rejects."""
    try:
        return list(yaml.compose_all(text, Loader=CorpusLoader))
    except yaml.YAMLError:
        return list(YAML(typ="rt").compose_all(text))


def tag_of(node: Node) -> str:
    return str(node.tag)


def is_empty(node: Node) -> bool:
    return tag_of(node).endswith(":null") and node.value in ("", None)


def mapping_value(node: Node | None, key: str) -> Node | None:
    if node is None or not tag_of(node).endswith(":map"):
        return None
    for key_node, value_node in node.value:
        if tag_of(key_node).endswith(":str") and key_node.value == key:
            return value_node
    return None


def scalar_string(node: Node | None) -> str | None:
    if node is None or not tag_of(node).endswith(":str"):
        return None
    return str(node.value)


def node_signature(node: Node) -> Any:
    """A comparable form of a node tree (tags and scalar values), marks ignored."""
    if isinstance(node.value, list):
        return (tag_of(node), tuple(item_signature(item) for item in node.value))
    return (tag_of(node), node.value)


def item_signature(item: Node | tuple[Node, Node]) -> Any:
    """A sequence item, or a mapping (key, value) pair."""
    if isinstance(item, tuple):
        key, value = item
        return (node_signature(key), node_signature(value))
    return node_signature(item)


def document_span(text: str, node: Node) -> tuple[int, int]:
    """Start and end offsets of a root node, the start moved back over its line's indentation."""
    start, end = node.start_mark.index, node.end_mark.index
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip() == "":
        start = line_start
    return start, end


def name_insert_offset(text: str, root: Node, start: int) -> int | None:
    """Offset in the document text just after metadata.name's last character, if renamable."""
    name_node = mapping_value(mapping_value(root, "metadata"), "name")
    name = scalar_string(name_node)
    if name_node is None or name is None:
        return None
    if not RENAMABLE.fullmatch(name) or len(name) + len(name_suffix(99)) > MAX_NAME_LENGTH:
        return None
    end = name_node.end_mark.index - start
    style = name_node.style
    if style in ("'", '"'):
        end -= 1
        if text[end] != style:
            return None
    elif style not in (None, ""):  # plain: None in ruamel.yaml, "" in libyaml
        return None
    return end if text[end - len(name) : end] == name else None


def check_document(doc: SourceDocument, original: Node) -> None:
    """The extracted text must compose, on its own, to the same tree (and rename cleanly)."""
    (alone,) = [n for n in compose_documents(doc.text) if not is_empty(n)]
    if node_signature(alone) != node_signature(original):
        raise SystemExit(
            f"error: {doc.path} document {doc.index}: extracted text does not round-trip"
        )
    if doc.name_end is not None:
        (renamed,) = [n for n in compose_documents(doc.renamed(7)) if not is_empty(n)]
        new_name = scalar_string(mapping_value(mapping_value(renamed, "metadata"), "name"))
        old_name = scalar_string(mapping_value(mapping_value(original, "metadata"), "name"))
        if new_name != f"{old_name}{name_suffix(7)}":
            raise SystemExit(f"error: {doc.path} document {doc.index}: name suffix misplaced")


def documents_of(corpus: Path, path: Path) -> Iterator[tuple[SourceDocument, Node]]:
    text = path.read_text(encoding="utf-8")
    relative = path.relative_to(corpus).as_posix()
    roots = [node for node in compose_documents(text) if not is_empty(node)]
    for index, root in enumerate(roots):
        start, end = document_span(text, root)
        yield (
            SourceDocument(
                path=relative,
                index=index,
                api_version=scalar_string(mapping_value(root, "apiVersion")),
                kind=scalar_string(mapping_value(root, "kind")),
                text=text[start:end],
                name_end=name_insert_offset(text[start:end], root, start),
            ),
            root,
        )


def builtin_kinds(definitions: Path) -> frozenset[tuple[str, str]]:
    """(apiVersion, kind) pairs from the `x-kubernetes-group-version-kind` lists."""
    with definitions.open(encoding="utf-8") as handle:
        defs = json.load(handle)["$defs"]
    pairs = set()
    for body in defs.values():
        for gvk in body.get("x-kubernetes-group-version-kind", []):
            group, version = gvk["group"], gvk["version"]
            pairs.add((f"{group}/{version}" if group else version, gvk["kind"]))
    return frozenset(pairs)


def default_definitions() -> Path:
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or spec.origin is None:
        raise SystemExit("error: kubernetes_validate is not installed; pass --definitions")
    return (
        Path(spec.origin).parent
        / "kubernetes-json-schema"
        / f"v{KUBERNETES_VERSION}-local"
        / "_definitions.json"
    )


def is_benchmark_document(doc: SourceDocument, kinds: frozenset[tuple[str, str]]) -> bool:
    return doc.kind not in EXCLUDED_KINDS and (doc.api_version, doc.kind) in kinds


def chunked(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def big_set_texts(pool: list[SourceDocument]) -> list[str]:
    """BIG_OBJECTS document texts, cycling through the pool in its (sorted) order."""
    return [pool[i % len(pool)].renamed(i // len(pool)) for i in range(BIG_OBJECTS)]


def join_documents(texts: Iterable[str]) -> str:
    return "".join("---\n" + text + ("" if text.endswith("\n") else "\n") for text in texts)


def write_big_set(out: Path, pool: list[SourceDocument]) -> dict[str, Any]:
    target = out / "big"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    digest = hashlib.sha256()
    files: list[list[Any]] = []
    total_bytes = 0
    for number, texts in enumerate(chunked(big_set_texts(pool), DOCS_PER_FILE)):
        name = f"{number:05d}.yaml"
        data = join_documents(texts).encode("utf-8")
        (target / name).write_bytes(data)
        digest.update(name.encode() + b"\0" + data)
        files.append([name, len(texts)])
        total_bytes += len(data)
    return set_entry(target, files, total_bytes) | {"sha256": digest.hexdigest()}


def set_entry(root: Path, files: list[list[Any]], total_bytes: int) -> dict[str, Any]:
    return {
        "root": str(root),
        "files": files,
        "documents": sum(count for _, count in files),
        "bytes": total_bytes,
    }


def corpus_set(corpus: Path, per_file: dict[str, int]) -> dict[str, Any]:
    files = [[path, count] for path, count in per_file.items()]
    total = sum((corpus / path).stat().st_size for path in per_file)
    return set_entry(corpus, files, total)


def single_set() -> dict[str, Any]:
    count = sum(
        1
        for node in yaml.compose_all(SINGLE_FILE.read_text(), Loader=CorpusLoader)
        if not is_empty(node)
    )
    return set_entry(BENCH_DIR, [[SINGLE_FILE.name, count]], SINGLE_FILE.stat().st_size)


def scan_corpus(
    corpus: Path, kinds: frozenset[tuple[str, str]]
) -> tuple[dict[str, int], list[SourceDocument]]:
    """Per-file document counts of the valid folders, and the benchmark document pool."""
    per_file: dict[str, int] = {}
    pool: list[SourceDocument] = []
    for path in valid_corpus_files(corpus):
        docs = list(documents_of(corpus, path))
        per_file[path.relative_to(corpus).as_posix()] = len(docs)
        for doc, root in docs:
            if is_benchmark_document(doc, kinds):
                check_document(doc, root)
                pool.append(doc)
    return per_file, pool


def print_pool_summary(pool: list[SourceDocument]) -> None:
    renamable = sum(doc.name_end is not None for doc in pool)
    kinds = Counter(doc.kind for doc in pool)
    print(
        f"pool: {len(pool)} built-in documents from {len({d.path for d in pool})} files, "
        f"{len(kinds)} kinds, {renamable} renamable; cycles: {BIG_OBJECTS / len(pool):.1f}"
    )
    print("  top kinds: " + ", ".join(f"{kind} {n}" for kind, n in kinds.most_common(8)))


def print_counts(sets: dict[str, dict[str, Any]]) -> None:
    print(f"{'set':<8} {'files':>7} {'documents':>10} {'bytes':>12}  root")
    for name, entry in sets.items():
        counts = f"{len(entry['files']):>7} {entry['documents']:>10} {entry['bytes']:>12}"
        print(f"{name:<8} {counts}  {entry['root']}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "out",
        nargs="?",
        type=Path,
        default=DEFAULT_OUT,
        help="output directory (default: %(default)s)",
    )
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus root (default: %(default)s)"
    )
    parser.add_argument(
        "--definitions",
        type=Path,
        default=None,
        help="kubernetes-validate's v1.32.0-local/_definitions.json "
        "(default: the one of the installed package)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpus, out = args.corpus.resolve(), args.out.resolve()
    if not (corpus / "README.md").is_file():
        raise SystemExit(f"error: {corpus} does not look like the corpus (no README.md)")
    if out == corpus or corpus in out.parents:
        raise SystemExit("error: the output directory must not be inside the corpus")
    kinds = builtin_kinds(args.definitions or default_definitions())
    per_file, pool = scan_corpus(corpus, kinds)
    print_pool_summary(pool)
    out.mkdir(parents=True, exist_ok=True)
    sets = {
        "big": write_big_set(out, pool),
        "corpus": corpus_set(corpus, per_file),
        "single": single_set(),
    }
    manifest = {"kubernetes_version": KUBERNETES_VERSION, "sets": sets}
    (out / "sets.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print_counts(sets)
    print(f"big sha256: {sets['big']['sha256']}")
    print(f"manifest: {out / 'sets.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
