#!/usr/bin/env python3
"""`rollguard schema` against a real JSON-Schema validator (python3-jsonschema, draft-07).

Every example manifest is valid under its kind's schema; manifests broken in one place each
(an unknown key, a missing required key, a wrong type, an unknown enum value, a bad duration,
two strategies, ...) fail the schema and fail `rollguard validate` too, so the schema and the
validator, generated from one table, agree both ways.
"""
import copy
import glob
import json
import os
import subprocess
import sys
import tempfile

import jsonschema
import yaml

ROLLGUARD = os.environ["ROLLGUARD"]
SOURCE = os.environ["ROLLGUARD_SOURCE_DIR"]
failures = []


def schema(kind):
    out = subprocess.run([ROLLGUARD, "schema", kind], check=True, capture_output=True, text=True)
    document = json.loads(out.stdout)
    jsonschema.Draft7Validator.check_schema(document)
    return jsonschema.Draft7Validator(document)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f) if path.endswith(".json") else yaml.safe_load(f)


def schema_errors(validator, document):
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in validator.iter_errors(document)]


def validate_exit(document, directory):
    # Written beside the examples' directory, so that a scenario's relative rollout path holds.
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", dir=directory, delete=False) as f:
        yaml.safe_dump(document, f, sort_keys=False)
    try:
        return subprocess.run([ROLLGUARD, "validate", f.name], capture_output=True).returncode
    finally:
        os.unlink(f.name)


rollout, scenario = schema("rollout"), schema("scenario")
examples = sorted(glob.glob(f"{SOURCE}/examples/*.yaml") + glob.glob(f"{SOURCE}/examples/*.json")
                  + glob.glob(f"{SOURCE}/examples/demo/*.yaml") + glob.glob(f"{SOURCE}/examples/ci/*.yaml"))
examples = [e for e in examples if not os.path.basename(e).startswith(".gitlab")]
scenarios = sorted(glob.glob(f"{SOURCE}/examples/scenarios/*.yaml"))
for path in examples + scenarios:
    document = load(path)
    validator = scenario if document.get("kind") == "Scenario" else rollout
    for error in schema_errors(validator, document):
        failures.append(f"{os.path.relpath(path, SOURCE)} fails the schema: {error}")
print(f"{len(examples)} rollouts and {len(scenarios)} scenarios valid under the schemas")


def mutated(base, change):
    document = copy.deepcopy(base)
    change(document)
    return document


def setdefault_path(document, *keys):
    node = document
    for key in keys:
        node = node[key]
    return node


base = load(f"{SOURCE}/examples/canary-baseline.yaml")
spec = lambda d: d["spec"]  # noqa: E731
broken_rollouts = {
    "unknown key": lambda d: spec(d).update(canaryy={"version": "2"}),
    "missing spec.canary": lambda d: spec(d).pop("canary"),
    "missing metadata.name": lambda d: d["metadata"].pop("name"),
    "wrong apiVersion": lambda d: d.update(apiVersion="rollguard.dev/v2"),
    "wrong kind": lambda d: d.update(kind="Scenario"),
    "uppercase name": lambda d: d["metadata"].update(name="Checkout"),
    "setWeight as a string": lambda d: spec(d)["strategy"]["canary"]["steps"][0].update(setWeight="20"),
    "setWeight above 100": lambda d: spec(d)["strategy"]["canary"]["steps"][0].update(setWeight=120),
    "two kinds in one step": lambda d: spec(d)["strategy"]["canary"]["steps"][0].update(pause={}),
    "a step of no kind": lambda d: spec(d)["strategy"]["canary"]["steps"].append({}),
    "two strategies": lambda d: spec(d)["strategy"].update(linear={"stepWeight": 10}),
    "two routers": lambda d: spec(d).setdefault("traffic", {}).update(builtin={}, none={}),
    "unknown judge": lambda d: spec(d)["analysis"]["templates"][-1].setdefault("compare", {}).update(judge="ratioo"),
    "bad duration": lambda d: spec(d)["analysis"]["templates"][0].update(interval="5 minutes"),
    "bare-number duration": lambda d: spec(d)["analysis"]["templates"][0].update(interval=30),
    "count of 0": lambda d: spec(d)["analysis"]["templates"][0].update(count=0),
    "shell-string command": lambda d: spec(d)["target"].update(process={"command": "./app --port 1"}),
    "portRange of one port": lambda d: spec(d)["target"].update(process={"command": ["./app"], "portRange": [20000]}),
    "unknown builtin metric": lambda d: spec(d)["analysis"]["templates"][0].update(metric={"builtin": {"query": "errors"}}),
    "empty steps": lambda d: spec(d)["strategy"]["canary"].update(steps=[]),
    "probe without a kind": lambda d: spec(d).update(probes=[{"name": "up"}]),
    "webhook url not http": lambda d: spec(d).update(notifications=[{"webhook": {"url": "ftp://x"}}]),
    "unknown rollback action": lambda d: spec(d).update(rollback={"onFailure": "explode"}),
    "listen without a port": lambda d: spec(d).update(traffic={"builtin": {"listen": "127.0.0.1"}}),
}
base_scenario = load(f"{SOURCE}/examples/scenarios/error-spike.yaml")
broken_scenarios = {
    "scenario without traffic": lambda d: spec(d).pop("traffic"),
    "negative rps": lambda d: spec(d).update(traffic={"rps": -1}),
    "unknown version key": lambda d: spec(d).setdefault("versions", {}).update(beta={}),
    "error rate above 1": lambda d: spec(d).setdefault("versions", {}).update(canary={"errorRate": 2}),
    "runs of 0": lambda d: spec(d).update(runs=0),
    "rollout of a number": lambda d: spec(d).update(rollout=5),
}
cases = [(n, c, base, rollout) for n, c in broken_rollouts.items()] + \
        [(n, c, base_scenario, scenario) for n, c in broken_scenarios.items()]
for name, change, original, validator in cases:
    document = mutated(original, change)
    if not schema_errors(validator, document):
        failures.append(f"{name}: the schema accepts it")
    code = validate_exit(document, f"{SOURCE}/examples/scenarios" if validator is scenario
                         else tempfile.gettempdir())
    if code != 2:
        failures.append(f"{name}: rollguard validate exits {code}, not 2")
print(f"{len(cases)} broken manifests: each fails the schema and rollguard validate")

for f in failures:
    print("FAIL:", f, file=sys.stderr)
sys.exit(1 if failures else 0)
