#!/usr/bin/python3
"""Checks results files against docs/results.schema.json with a JSON Schema validator (python3-jsonschema, draft
2020-12).

  validate.py SCHEMA --min N PATH...   every *.json under each PATH (a folder, absent when nothing was written, or
                                       a file) must validate, and there must be at least N of them
  validate.py SCHEMA --strict GOOD     GOOD must validate; copies of it with one unknown key at the top, one
                                       unknown key inside "run" and one misspelled key in hardware.cpu must not
Exit 0 when all is as expected, 1 otherwise (each failure printed), 77 when jsonschema is not installed."""
import copy
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("skip: python3-jsonschema is not installed (scripts/setup installs it)", file=sys.stderr)
    sys.exit(77)


def errors_of(validator, doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))


def describe(e):
    return "/".join(str(p) for p in e.absolute_path) + ": " + e.message[:300]


def files_under(paths):
    for p in paths:
        if not os.path.exists(p):
            continue   # a folder no test wrote into
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                for n in sorted(names):
                    if n.endswith(".json"):
                        yield os.path.join(root, n)
        else:
            yield p


def check_all(validator, minimum, paths):
    n = bad = 0
    for f in files_under(paths):
        n += 1
        with open(f, encoding="utf-8") as fh:
            doc = json.load(fh)
        errs = errors_of(validator, doc)
        if errs:
            bad += 1
            print(f"INVALID {f}:", file=sys.stderr)
            for e in errs[:20]:
                print("  " + describe(e), file=sys.stderr)
    print(f"{n - bad} passed, {bad} failed")
    if n < minimum:
        print(f"only {n} results files collected (expected at least {minimum})", file=sys.stderr)
        return 1
    return 1 if bad else 0


def check_strict(validator, good_path):
    with open(good_path, encoding="utf-8") as fh:
        good = json.load(fh)
    fails = 0
    errs = errors_of(validator, good)
    if errs:
        print(f"the unchanged file {good_path} does not validate: " + describe(errs[0]), file=sys.stderr)
        fails += 1
    top = copy.deepcopy(good)
    top["unknown_key"] = 1
    deep = copy.deepcopy(good)
    deep["run"]["unknown_key"] = "x"
    typo = copy.deepcopy(good)
    typo["hardware"]["cpu"]["physical_core"] = typo["hardware"]["cpu"].pop("physical_cores")
    for name, doc in (("unknown key at the top", top), ("unknown key in run", deep),
                      ("hardware.cpu.physical_cores misspelled", typo)):
        errs = errors_of(validator, doc)
        if not errs:
            print(f"NOT REFUSED: {name}", file=sys.stderr)
            fails += 1
        else:
            print(f"refused as it should be: {name}: {describe(errs[0])}")
    print(f"{4 - fails} passed, {fails} failed")
    return 1 if fails else 0


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as fh:
        schema = json.load(fh)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    if argv[2] == "--strict" and len(argv) == 4:
        return check_strict(validator, argv[3])
    if argv[2] == "--min" and len(argv) >= 5:
        return check_all(validator, int(argv[3]), argv[4:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
