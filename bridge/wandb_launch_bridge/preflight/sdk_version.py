"""Is the wandb SDK of this interpreter the one the action was asked for? (the action's SDK setup)

The action sends a PEP 440 specifier (">=0.17", "==0.30.0", ">=0.20,<0.31") and the modules the
resource's runner imports. All of this is answered without importing the SDK where the metadata
tells, and before anything is launched, so that when the answer is no the action can install a
suitable wandb and start the bridge again (`check_before_import`). Standard library only:
`packaging` may be absent.
"""

from __future__ import annotations

import os
import sys
import traceback

from ..protocol import MIN_WANDB_VERSION, Request, emit_error, emit_sdk


def version_tuple(text: object) -> tuple[int, ...]:
    parts = []
    for piece in str(text).split("."):
        digits = "".join(ch for ch in piece if ch.isdigit()) if piece[:1].isdigit() else ""
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts) or (0,)


MIN_WANDB = version_tuple(MIN_WANDB_VERSION)  # the oldest release contract-tested (README, Supported versions)


_PRE_PHASES = {"a": 0, "b": 1, "rc": 2}


def pep440_key(text):
    """An ordering key for the usual PEP 440 forms: 1.2.3, 1.2rc1, 1.2.post1, 1.2.dev3 (+local ignored)."""
    import re

    m = re.match(
        r"v?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|rc|alpha|beta|c|pre|preview)[-_.]?(\d*))?"
        r"(?:[-_.]?(?:post|rev|r)[-_.]?(\d*))?(?:[-_.]?dev[-_.]?(\d*))?",
        str(text).strip().lower(),
    )
    if not m:
        return ((0,), (1,), -1, float("inf"))
    release = [int(p) for p in m.group(1).split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    phase = {"alpha": "a", "beta": "b", "c": "rc", "pre": "rc", "preview": "rc"}.get(m.group(2), m.group(2))
    post = int(m.group(4) or 0) if m.group(4) is not None else -1  # '' when "1.0.post": post 0
    dev = int(m.group(5) or 0) if m.group(5) is not None else float("inf")
    if phase:
        pre = (0, _PRE_PHASES[phase], int(m.group(3) or 0))
    elif dev != float("inf") and post == -1:
        pre = (-1,)  # 1.0.dev1 sorts before 1.0a1
    else:
        pre = (1,)
    return (tuple(release), pre, post, dev)


def _release(text):
    import re

    m = re.match(r"v?(\d+(?:\.\d+)*)", str(text).strip())
    return [int(p) for p in m.group(1).split(".")] if m else [0]


def satisfies(version: str, specifier: str) -> bool:
    """True when version meets every clause of the specifier set."""
    for clause in filter(None, (c.strip() for c in str(specifier).split(","))):
        for op in ("===", "~=", "==", "!=", "<=", ">=", "<", ">"):
            if clause.startswith(op):
                want = clause[len(op) :].strip()
                break
        else:
            return False
        if op == "===":
            ok = str(version).strip() == want
        elif op in ("==", "!=") and want.endswith(".*"):
            prefix = _release(want[:-2])
            have = _release(version) + [0] * len(prefix)
            ok = have[: len(prefix)] == prefix
            ok = ok if op == "==" else not ok
        elif op == "~=":
            prefix = _release(want)[:-1]
            have = _release(version) + [0] * len(prefix)
            ok = pep440_key(version) >= pep440_key(want) and have[: len(prefix)] == prefix
        else:
            a, b = pep440_key(version), pep440_key(want)
            ok = {"==": a == b, "!=": a != b, "<=": a <= b, ">=": a >= b, "<": a < b, ">": a > b}[op]
        if not ok:
            return False
    return True


def wandb_problem(version: str, requirement: str | None) -> str | None:
    """Why this wandb version will not do, or None."""
    if version_tuple(version) < MIN_WANDB:
        return f"wandb {version} is older than {MIN_WANDB_VERSION}, the oldest this action supports"
    if requirement and not satisfies(version, requirement):
        return f"wandb {version} does not satisfy wandb_version {requirement}"
    return None


def installed_wandb_version() -> str | None | bool:
    """The version of the wandb `import wandb` would load, from its dist-info, without importing it.
    None when that cannot be told this way (no metadata beside it, or several)."""
    import importlib.util

    spec = importlib.util.find_spec("wandb")
    if spec is None:
        return False
    if not spec.origin:
        return None
    site = os.path.dirname(os.path.dirname(spec.origin))
    try:
        infos = [n for n in os.listdir(site) if n.lower().startswith("wandb-") and n.endswith(".dist-info")]
    except OSError:
        return None
    return infos[0][len("wandb-") : -len(".dist-info")] if len(infos) == 1 else None


def missing_modules(names: list[str] | tuple[str, ...]) -> list[str]:
    """The modules (dotted names) that cannot be found, looked up without being imported."""
    import importlib.util

    missing = []
    for name in names:
        try:
            if importlib.util.find_spec(name) is None:
                missing.append(name)
        except (ImportError, ValueError):  # a parent package is missing
            missing.append(name)
    return missing


def base_python() -> str:
    """The interpreter a virtualenv of the action's is built from: a venv's own base, not the venv."""
    return getattr(sys, "_base_executable", None) or sys.executable


def report_unsatisfied(version: str | None, problem: str, requirement: str, kind: str = "wandb_unsatisfied") -> None:
    """Nothing was launched: the action may install a satisfying wandb and start the bridge again."""
    print(f"{problem} for {sys.executable}: nothing was launched", file=sys.stderr, flush=True)
    emit_error(
        kind=kind,
        message=problem,
        exception_type=None,
        traceback=None,
        python=sys.executable,
        python_version=sys.version.split()[0],
        wandb_version=version,
        requirement=requirement,
        base_python=base_python(),
    )


def report_missing(exc: BaseException | None) -> int:
    emit_sdk(python=sys.executable, python_version=sys.version.split()[0], wandb_version=None)
    print(f"wandb is not installed for {sys.executable}: nothing was launched", file=sys.stderr, flush=True)
    emit_error(
        kind="wandb_missing",
        message=f"{exc}" if exc else "No module named 'wandb'",
        exception_type=type(exc).__name__ if exc else None,
        traceback="".join(traceback.format_exception(type(exc), exc, exc.__traceback__)) if exc else None,
        python=sys.executable,
        python_version=sys.version.split()[0],
        base_python=base_python(),
    )
    return 0


def check_before_import(request: Request, requirement: str) -> int | None:
    """Told by the metadata: an unsuitable or incomplete SDK is reported without importing it.
    Returns the exit code when nothing is to be launched, else None."""
    found = installed_wandb_version()
    if found is False:
        return report_missing(None)
    problem = wandb_problem(str(found), requirement) if found else None
    if problem:
        report_unsatisfied(str(found), problem, requirement)
        return 0
    missing = missing_modules(request.required_modules or ())
    if missing:
        report_unsatisfied(
            str(found) if found else None,
            f"{', '.join(missing)} not installed ({request.resource} needs {'it' if len(missing) == 1 else 'them'})",
            requirement,
            kind="packages_missing",
        )
        return 0
    return None
