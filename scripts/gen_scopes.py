"""Generate schemas/kubernetes/scopes.json: which built-in kinds are namespaced, and their
resource (plural) names.

Upstream sources, read from git clones (bare is fine):
- scope: the `+genclient` / `+genclient:nonNamespaced` markers on the API types of k8s.io/api,
  k8s.io/apiextensions-apiserver and k8s.io/kube-aggregator (what client-gen and the REST
  storage agree on); the group of a package is the `GroupName` of its register.go;
- resource names: the generated fake clients (`typed/<group>/<version>/fake/fake_*.go`) of
  k8s.io/client-go and of the two other repositories, which name each kind's resource
  (`WithResource("deployments")` / `Resource: "deployments"`).
Every release tag from v0.25.0 (Kubernetes 1.25) on, plus the newest commit, is read, so kinds
removed meanwhile stay known; a kind whose scope or resource differs between releases is an
error (neither ever changes upstream).

Usage: python scripts/gen_scopes.py GIT_DIR [GIT_DIR ...] [--out schemas/kubernetes/scopes.json]
with clones of kubernetes/api, kubernetes/client-go, kubernetes/apiextensions-apiserver and
kubernetes/kube-aggregator.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

FIRST_MINOR = 25
_TAG = re.compile(r"v0\.(\d+)\.0\Z")
_GROUP = re.compile(r'GroupName\s*=\s*"([^"]*)"')
_TYPE = re.compile(r"^type\s+(\w+)\s+struct\b")
_FAKE = re.compile(r"(?:^|/)typed/([^/]+/[^/]+)/fake/fake_[^/]+\.go\Z")
_RESOURCE = re.compile(r'WithResource\("([a-z0-9.-]+)"\)|Resource: "([a-z0-9.-]+)"')
_KIND = re.compile(r'WithKind\("(\w+)"\)|Kind: "(\w+)"')
_SKIP = ("_test.go", "generated.pb.go", "zz_generated")

Key = tuple[str, str]  # (group, kind)


class Repo:
    """One git directory, with a `git cat-file --batch` process for reading many files."""

    def __init__(self, git_dir: str) -> None:
        self.git_dir = git_dir
        self._batch = subprocess.Popen(
            ["git", "--git-dir", git_dir, "cat-file", "--batch"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )  # fmt: skip

    def run(self, *args: str) -> str:
        return subprocess.run(
            ["git", "--git-dir", self.git_dir, *args], check=True, capture_output=True, text=True
        ).stdout

    def read(self, ref: str, path: str) -> str:
        assert self._batch.stdin is not None and self._batch.stdout is not None
        self._batch.stdin.write(f"{ref}:{path}\n".encode())
        self._batch.stdin.flush()
        header = self._batch.stdout.readline().split()
        if len(header) < 3:  # "<object> missing"
            return ""
        data = self._batch.stdout.read(int(header[2]) + 1)
        return data[:-1].decode("utf-8", "replace")

    def module(self) -> str:
        lines = self.read("HEAD", "go.mod").splitlines()
        return next((m[7:] for m in lines if m.startswith("module ")), self.git_dir)

    def refs(self) -> list[str]:
        tags = [t for t in self.run("tag", "--list", "v0.*.0").split() if _TAG.match(t)]
        wanted = [t for t in tags if _minor(t) >= FIRST_MINOR]
        return [*sorted(wanted, key=_minor), "HEAD"]

    def close(self) -> None:
        if self._batch.stdin is not None:
            self._batch.stdin.close()
        self._batch.wait()


def _minor(tag: str) -> int:
    match = _TAG.match(tag)
    return int(match[1]) if match else -1


def scan(repo: Repo, ref: str, groups: dict[str, str]) -> tuple[dict[Key, bool], list]:
    """Scopes from the API packages at `ref` (also filling `groups`: "apps/v1" → "apps"), and
    the (package, kind, resource) triples of the fake clients."""
    by_folder: dict[str, list[str]] = {}
    for name in repo.run("ls-tree", "-r", "--name-only", ref).splitlines():
        if name.endswith(".go") and not name.startswith("examples/"):
            by_folder.setdefault(name.rpartition("/")[0], []).append(name)
    scopes: dict[Key, bool] = {}
    resources = []
    for folder, names in sorted(by_folder.items()):
        if f"{folder}/register.go" in names:
            match = _GROUP.search(repo.read(ref, f"{folder}/register.go"))
            if match is not None:
                groups["/".join(folder.split("/")[-2:])] = match[1]
                scopes.update(_package_scopes(repo, ref, match[1], names))
        for name in names:
            fake = _FAKE.search(name)
            found = fake_resource(repo.read(ref, name)) if fake else None
            if found is not None:
                resources.append((fake[1], *found))
    return scopes, resources


def _package_scopes(repo: Repo, ref: str, group: str, names: list[str]) -> dict[Key, bool]:
    out: dict[Key, bool] = {}
    for name in names:
        if not any(s in name for s in _SKIP):
            for kind, namespaced in genclient_types(repo.read(ref, name)):
                out[(group, kind)] = namespaced
    return out


def genclient_types(source: str) -> list[tuple[str, bool]]:
    """(type name, namespaced) for each struct carrying a `+genclient` marker."""
    out = []
    markers: set[str] = set()
    for line in source.splitlines():
        text = line.strip()
        if text.startswith("// +genclient"):
            markers.add(text[3:].split(",")[0].split("=")[0])
        elif text.startswith("type "):
            match = _TYPE.match(text)
            if match and "+genclient" in markers:
                out.append((match[1], "+genclient:nonNamespaced" not in markers))
            markers = set()
    return out


def fake_resource(source: str) -> tuple[str, str] | None:
    """(kind, resource) named by a generated fake client, or None."""
    resource, kind = _RESOURCE.search(source), _KIND.search(source)
    if resource is None or kind is None:
        return None
    return kind[1] or kind[2], resource[1] or resource[2]


def record(table: dict, key: Key, value, where: str) -> None:
    if table.setdefault(key, value) != value:
        raise SystemExit(f"{key} is {table[key]!r} and {value!r} ({where})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("git_dirs", nargs="+")
    parser.add_argument("--out", default="schemas/kubernetes/scopes.json")
    args = parser.parse_args(argv)
    scopes: dict[Key, bool] = {}
    groups: dict[str, str] = {}
    fakes: list[tuple[str, str, str, str]] = []
    sources = []
    for git_dir in args.git_dirs:
        repo = Repo(git_dir)
        used = repo.refs()
        head = repo.run("rev-parse", "HEAD")[:12]
        sources.append(f"{repo.module()} {used[0]}..{used[-2]} + {head}")
        for ref in used:
            found, resources = scan(repo, ref, groups)
            for key, namespaced in found.items():
                record(scopes, key, namespaced, f"{git_dir} {ref}")
            fakes.extend((*r, f"{git_dir} {ref}") for r in resources)
        repo.close()
    plurals: dict[Key, str] = {}
    for package, kind, resource, where in fakes:
        if package in groups:
            record(plurals, (groups[package], kind), resource, where)
    doc = {"generator": "scripts/gen_scopes.py", "sources": sources,
           "scopes": _nest({k: "Namespaced" if v else "Cluster" for k, v in scopes.items()}),
           "resources": _nest(plurals)}  # fmt: skip
    Path(args.out).write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    print(f"{len(scopes)} scopes, {len(plurals)} resource names -> {args.out}", file=sys.stderr)
    return 0


def _nest(table: dict[Key, str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for (group, kind), value in sorted(table.items()):
        out.setdefault(group, {})[kind] = value
    return out


if __name__ == "__main__":
    sys.exit(main())
