#!/usr/bin/env python3
"""The CI recipes of docs/ci.md, run for real: every `run:` step of
examples/ci/github-actions.yml (but the install, which needs the network and sudo) and every
script line of examples/ci/.gitlab-ci.yml, in a checkout-like directory, against the built
rollguard and demo app on PATH and, for GitLab's `apply --wait`, a real `rollguard serve`.
The gate passes on a promoted canary, writes the job summary from the NDJSON, and fails the
job with rollguard's own exit code when the manifest is broken.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

SOURCE = os.environ["ROLLGUARD_SOURCE_DIR"]
ROLLGUARD = os.environ["ROLLGUARD"]
failures = []


def check(ok, message):
    if not ok:
        failures.append(message)
        print("FAIL:", message, file=sys.stderr)


def workspace():
    work = tempfile.mkdtemp(prefix="rollguard-ci-")
    os.makedirs(f"{work}/examples/ci")
    shutil.copy(f"{SOURCE}/examples/ci/rollout.yaml", f"{work}/examples/ci/rollout.yaml")
    bin_dir = f"{work}/bin"
    os.makedirs(bin_dir)
    os.symlink(ROLLGUARD, f"{bin_dir}/rollguard")
    os.symlink(os.environ["ROLLGUARD_DEMO_APP"], f"{bin_dir}/rollguard-demo-app")
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", CI="true")
    return work, env


def run_shell(script, cwd, env, shell=("bash", "--noprofile", "--norc", "-eo", "pipefail")):
    result = subprocess.run([*shell, "-c", script], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=120)
    return result.returncode, result.stdout + result.stderr


def github_actions():
    with open(f"{SOURCE}/examples/ci/github-actions.yml", encoding="utf-8") as f:
        workflow = yaml.safe_load(f)
    job = workflow["jobs"]["canary"]
    steps = [s for s in job["steps"] if "run" in s and s["name"] != "Install rollguard"]
    check([s["name"] for s in steps] == ["Validate the rollout", "Canary"],
          f"unexpected GitHub steps: {[s['name'] for s in steps]}")

    def gate(break_manifest):
        work, env = workspace()
        env.update({k: str(v) for k, v in job["env"].items()})
        env["GITHUB_STEP_SUMMARY"] = f"{work}/summary.md"
        if break_manifest:
            with open(f"{work}/examples/ci/rollout.yaml", "a", encoding="utf-8") as f:
                f.write("  bogus: 1\n")
        codes = {}
        for step in steps:
            codes[step["name"]], out = run_shell(step["run"], work, env)
            if codes[step["name"]] != 0:
                break
        summary = open(env["GITHUB_STEP_SUMMARY"], encoding="utf-8").read() \
            if os.path.exists(env["GITHUB_STEP_SUMMARY"]) else ""
        shutil.rmtree(work, ignore_errors=True)
        return codes, out, summary

    codes, out, summary = gate(False)
    check(codes == {"Validate the rollout": 0, "Canary": 0}, f"GitHub gate: {codes}: {out}")
    check("## Rollout Succeeded" in summary, f"GitHub job summary: {summary!r}")
    check("exit code 0" in summary and "| time | event |" in summary, f"summary: {summary!r}")
    check(summary.count("\n| ") >= 3, f"the summary lists no events: {summary!r}")
    codes, out, _ = gate(True)
    check(codes == {"Validate the rollout": 2}, f"GitHub gate on a broken manifest: {codes}")
    print("GitHub Actions recipe: promoted canary passes with a summary; broken manifest exits 2")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gitlab():
    with open(f"{SOURCE}/examples/ci/.gitlab-ci.yml", encoding="utf-8") as f:
        pipeline = yaml.safe_load(f)
    work, env = workspace()
    env.update({k: str(v) for k, v in pipeline["variables"].items()})
    port = free_port()
    env["ROLLGUARD_SERVER"] = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([ROLLGUARD, "serve", "--data", f"{work}/data", "--listen",
                               f"127.0.0.1:{port}"], cwd=work, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{env['ROLLGUARD_SERVER']}/readyz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("FAIL: rollguard serve never became ready")
            time.sleep(0.1)
        for job in ("validate", "canary"):
            # GitLab runs a job's lines in one shell and stops at the first that fails.
            script = "\n".join(pipeline[job]["script"])
            code, out = run_shell(script, work, env, shell=("bash", "-eo", "pipefail"))
            check(code == 0, f"GitLab job {job} exits {code}: {out}")
        summary = open(f"{work}/rollout.ndjson", encoding="utf-8").read()
        check('"summary":true' in summary.replace(" ", "") and "Succeeded" in summary,
              f"GitLab rollout.ndjson: {summary[-400:]!r}")
        check(os.path.getsize(f"{work}/events.ndjson") > 0, "GitLab events.ndjson is empty")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    print("GitLab CI recipe: apply --wait against rollguard serve passes, NDJSON artifacts kept")


github_actions()
gitlab()
sys.exit(1 if failures else 0)
