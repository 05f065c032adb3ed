"""How bench/run.py runs each tool: processes, timing, peak RSS, tool setup and sanity checks.

Standard library only. The peers (kubeconform, kubernetes-validate) get their schemas and
virtualenv in a cache directory (CACHE_DIR), built on first use.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kubelint-bench"
KV_VENV = CACHE_DIR / "kv-venv"
GNU_TIME = "/usr/bin/time"
SCHEMA_CACHE = CACHE_DIR / "kubeconform-schemas"
READY_MARKER = ".bench-ready"

KUBERNETES_VERSION = "1.32.0"
KUBELINT_KUBERNETES_VERSION = "1.32"
KV_REQUIREMENT = "kubernetes-validate==1.37.0"
KV_SAMPLE_FILES = 200
WORKER_COUNTS = (1, 2)
KUBECONFORM_SUMMARY = re.compile(
    r"Summary: (?P<resources>\d+) resources? found in (?P<files>\d+) files? - "
    r"Valid: (?P<valid>\d+), Invalid: (?P<invalid>\d+), "
    r"Errors: (?P<errors>\d+), Skipped: (?P<skipped>\d+)"
)
BAD_DOCUMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: bad
spec:
  replicas: "two"
  selector:
    matchLabels: {app: bad}
  template:
    metadata:
      labels: {app: bad}
    spec:
      containers:
        - name: bad
          image: nginx:1.27.3
"""


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


# ---------------------------------------------------------------- processes


@dataclass(frozen=True)
class ProcessRun:
    """One finished child process."""

    seconds: float
    max_rss_kib: int
    returncode: int
    stdout: str
    stderr: str


@functools.cache
def gnu_time() -> str | None:
    """/usr/bin/time if it is GNU time (supports -f %M -o FILE), else None."""
    if not os.access(GNU_TIME, os.X_OK):
        return None
    probe = subprocess.run(
        [GNU_TIME, "-f", "%M", "-o", os.devnull, "true"], capture_output=True, check=False
    )
    return GNU_TIME if probe.returncode == 0 else None


def rss_method() -> str:
    if gnu_time():
        return f"{GNU_TIME} -f %M (max RSS of the largest process)"
    return "os.wait4 ru_maxrss (upper bound: includes the harness's own RSS at spawn)"


def run_process(
    command: list[str], cwd: Path, env: dict[str, str] | None = None, measure_rss: bool = False
) -> ProcessRun:
    """Run a command to completion and time it; with measure_rss, also its peak RSS.

    os.wait4's ru_maxrss alone is not enough: a child spawned by this (large) process keeps
    this process's RSS as its high-water mark across exec, so GNU time does the measuring.
    """
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as rss_file,
    ):
        timer = gnu_time() if measure_rss else None
        wrapped = [timer, "-f", "%M", "-o", rss_file.name, *command] if timer else command
        start = time.perf_counter()
        proc = subprocess.Popen(
            wrapped, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if timer:
            max_rss_kib = int(rss_file.read().split()[-1])
        else:
            max_rss_kib = usage.ru_maxrss if measure_rss else 0
        return ProcessRun(
            seconds=seconds,
            max_rss_kib=max_rss_kib,
            returncode=proc.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def run_checked(command: list[str], what: str, cwd: Path = BENCH_DIR) -> str:
    """Run a setup command; abort with its output if it fails."""
    result = run_process(command, cwd)
    if result.returncode != 0:
        raise SystemExit(
            f"error: {what} failed ({shlex.join(command)}):\n{result.stdout}{result.stderr}"
        )
    return result.stdout


@dataclass(frozen=True)
class ToolRun:
    """One timed use of a tool on a file list: one process, or more if the tool aborted."""

    process: ProcessRun  # times summed, peak RSS maxed, outputs concatenated
    processes: int
    skipped: tuple[str, ...]  # files the tool aborted on (it was restarted after each)


def combine(runs: list[ProcessRun]) -> ProcessRun:
    return ProcessRun(
        seconds=sum(run.seconds for run in runs),
        max_rss_kib=max(run.max_rss_kib for run in runs),
        returncode=max(run.returncode for run in runs),
        stdout="".join(run.stdout for run in runs),
        stderr="".join(run.stderr for run in runs),
    )


# ---------------------------------------------------------------- tools and setup


@dataclass(frozen=True)
class Tool:
    """How to run one tool with one worker count on a list of files."""

    name: str
    workers: int
    prefix: tuple[str, ...]
    summarize: Callable[[ProcessRun], str]
    env: dict[str, str] | None = None
    sample_files: int | None = None  # on `big`, time only the first N files
    exit_codes: tuple[int, ...] = (0, 1)  # anything else means the tool failed, not the input
    aborted_on: Callable[[ProcessRun], str | None] | None = None  # file that stopped the run

    def command(self, files: list[str]) -> list[str]:
        return [*self.prefix, *files]


def run_tool(tool: Tool, files: list[str], cwd: Path, measure_rss: bool = True) -> ToolRun:
    """Run the tool on all files; if it aborts on a file, restart it on the files after it."""
    runs: list[ProcessRun] = []
    skipped: list[str] = []
    remaining = files
    while True:
        run = run_process(tool.command(remaining), cwd, tool.env, measure_rss)
        runs.append(run)
        failed = tool.aborted_on(run) if tool.aborted_on else None
        if failed is None or failed not in remaining:
            break
        skipped.append(failed)
        remaining = remaining[remaining.index(failed) + 1 :]
        if not remaining:
            break
    return ToolRun(combine(runs), len(runs), tuple(skipped))


def is_ready(directory: Path) -> bool:
    """True if `directory` was completed for KV_REQUIREMENT (its marker is written last)."""
    marker = directory / READY_MARKER
    return marker.is_file() and marker.read_text().strip() == KV_REQUIREMENT


def ensure_kv_venv() -> Path:
    """The kubernetes-validate virtualenv, created (with KV_REQUIREMENT) if missing."""
    python = KV_VENV / "bin" / "python"
    if is_ready(KV_VENV):
        return python
    progress(f"creating {KV_VENV} with {KV_REQUIREMENT}")
    shutil.rmtree(KV_VENV, ignore_errors=True)
    run_checked(
        [sys.executable, "-m", "venv", str(KV_VENV)], "creating the kubernetes-validate venv"
    )
    run_checked(
        [str(python), "-m", "pip", "install", "--quiet", KV_REQUIREMENT],
        "installing kubernetes-validate",
    )
    (KV_VENV / READY_MARKER).write_text(KV_REQUIREMENT + "\n")
    return python


def schema_dir() -> Path:
    return SCHEMA_CACHE / f"v{KUBERNETES_VERSION}-standalone-strict"


def ensure_kubeconform_schemas(kv_python: Path, kubeconform: Path) -> Path:
    """Per-kind standalone schemas for kubeconform, built by make_schemas.py if missing."""
    if is_ready(SCHEMA_CACHE):
        return schema_dir()
    progress(f"building kubeconform schemas in {SCHEMA_CACHE}")
    package_dir = run_checked(
        [
            str(kv_python),
            "-c",
            "import kubernetes_validate, os; print(os.path.dirname(kubernetes_validate.__file__))",
        ],
        "locating kubernetes_validate",
    ).strip()
    shutil.rmtree(SCHEMA_CACHE, ignore_errors=True)
    make_schemas = kubeconform.parent / "make_schemas.py"
    command = [
        str(kv_python),
        str(make_schemas),
        package_dir,
        KUBERNETES_VERSION,
        str(SCHEMA_CACHE),
    ]
    progress(run_checked(command, "make_schemas.py").strip())
    (SCHEMA_CACHE / READY_MARKER).write_text(KV_REQUIREMENT + "\n")
    return schema_dir()


def kubeconform_summary(result: ProcessRun) -> str:
    match = KUBECONFORM_SUMMARY.search(result.stdout)
    if match is None:
        return f"no summary (rc {result.returncode}): {last_line(result.stdout + result.stderr)}"
    counts = match.groupdict()
    return ", ".join(
        f"{key} {value}" for key, value in counts.items() if key not in ("resources", "files")
    )


KV_ABORT = re.compile(r"^Couldn't (?:parse YAML from|open) file (.+?)(?:: | for reading)", re.M)


def kv_aborted_on(result: ProcessRun) -> str | None:
    """kubernetes-validate exits on the first file it cannot read or parse."""
    match = KV_ABORT.search(result.stderr)
    return match.group(1) if match else None


def kv_summary(result: ProcessRun) -> str:
    lines = result.stdout.splitlines()
    errors = sum(line.startswith("ERROR") for line in lines)
    warnings = sum(line.startswith("WARN") for line in lines)
    return f"rc {result.returncode}, ERROR lines {errors}, WARN lines {warnings}"


def kubelint_summary(result: ProcessRun) -> str:
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        tail = last_line(result.stdout + result.stderr)
        return f"rc {result.returncode}, output is not JSON: {tail}"
    findings = report.get("findings", report) if isinstance(report, dict) else report
    count = len(findings) if isinstance(findings, list) else "?"
    return f"rc {result.returncode}, findings {count}"


def kubeconform_tools(binary: Path, schemas: Path) -> list[Tool]:
    location = str(schemas / "{{ .ResourceKind }}{{ .KindSuffix }}.json")
    flags = (
        "-strict",
        "-summary",
        "-ignore-missing-schemas",
        "-kubernetes-version",
        KUBERNETES_VERSION,
    )
    return [
        Tool(
            "kubeconform",
            n,
            (str(binary), "-n", str(n), *flags, "-schema-location", location),
            kubeconform_summary,
        )
        for n in WORKER_COUNTS
    ]


def kv_tool(kv_python: Path) -> Tool:
    script = kv_python.parent / "kubernetes-validate"
    prefix = (str(script), "--kubernetes-version", KUBERNETES_VERSION, "--strict", "--quiet")
    return Tool(
        "kubernetes-validate",
        1,
        prefix,
        kv_summary,
        sample_files=KV_SAMPLE_FILES,
        aborted_on=kv_aborted_on,
    )


def kubelint_env() -> dict[str, str]:
    """The environment kubelint's timed processes run in: this checkout first on the path, with
    its bytecode compiled (see `compile_bytecode`)."""
    compile_bytecode()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


@functools.cache  # once per benchmark process: every timed run asks for the environment
def compile_bytecode() -> None:
    """Write kubelint's .pyc files, as `pip install` does: with PYTHONDONTWRITEBYTECODE set (as
    on this machine) a checkout would otherwise compile every module in every timed process
    (≈ 60 ms for `kubelint lint`'s rules alone), which no installed kubelint does."""
    import compileall

    compileall.compile_dir(REPO_ROOT / "kubelint", quiet=1)


def kubelint_problem(python: str) -> str | None:
    """Why kubelint cannot be run as `python -m kubelint` (None if it can)."""
    probe = (
        "import importlib.util, kubelint; "
        "assert importlib.util.find_spec('kubelint.__main__'), 'no kubelint.__main__'"
    )
    result = run_process([python, "-c", probe], Path(tempfile.gettempdir()), kubelint_env())
    return (
        None
        if result.returncode == 0
        else last_line(result.stderr) or f"exit status {result.returncode}"
    )


def kubelint_tools(python: str) -> list[Tool]:
    return [
        Tool(
            "kubelint",
            n,
            (
                python,
                "-m",
                "kubelint",
                "check",
                "--jobs",
                str(n),
                "--output",
                "json",
                "--kubernetes-version",
                KUBELINT_KUBERNETES_VERSION,
            ),
            kubelint_summary,
            env=kubelint_env(),
        )
        for n in WORKER_COUNTS
    ]


def sanity_check(tools: list[Tool]) -> None:
    """The known-bad document must be invalid and bench/single.yaml valid, for every peer."""
    with tempfile.TemporaryDirectory() as tmp:
        bad = Path(tmp) / "bad.yaml"
        bad.write_text(BAD_DOCUMENT)
        good = BENCH_DIR / "single.yaml"
        for tool in tools:
            bad_result = run_process(tool.command([str(bad)]), Path(tmp), tool.env)
            good_result = run_process(tool.command([str(good)]), Path(tmp), tool.env)
            verdicts = (tool.summarize(bad_result), tool.summarize(good_result))
            if not setup_is_sound(tool, bad_result, good_result):
                raise SystemExit(
                    f'error: {tool.name} setup is broken: replicas: "two" -> {verdicts[0]!r}; '
                    f"bench/single.yaml -> {verdicts[1]!r}\n{bad_result.stdout}{bad_result.stderr}"
                )
            progress(
                f"sanity check ok: {tool.name} workers={tool.workers}: "
                f"bad -> {verdicts[0]}; single -> {verdicts[1]}"
            )


def setup_is_sound(tool: Tool, bad: ProcessRun, good: ProcessRun) -> bool:
    if tool.name == "kubeconform":
        return (
            "Invalid: 1," in bad.stdout
            and "Valid: 2, Invalid: 0, Errors: 0, Skipped: 0" in good.stdout
        )
    return bad.returncode != 0 and "ERROR" in bad.stdout and good.returncode == 0


def peer_tools(kubeconform: Path) -> list[Tool]:
    """kubeconform -n 1/-n 2 and kubernetes-validate, set up and sanity-checked."""
    if not os.access(kubeconform, os.X_OK):
        raise SystemExit(f"error: kubeconform not found at {kubeconform}")
    kv_python = ensure_kv_venv()
    schemas = ensure_kubeconform_schemas(kv_python, kubeconform)
    tools = [*kubeconform_tools(kubeconform, schemas), kv_tool(kv_python)]
    sanity_check(tools)
    return tools
