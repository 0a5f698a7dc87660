#!/usr/bin/env python3
"""validate_schema.py SCHEMA_DIR SCHEMA_FILE DOC... - validates JSON
documents against one of the schemas in tests/data/schemas, resolving every
$ref (by $id or file name) from that directory, never from the network.
Exit 0 when all are valid, 1 with the first error otherwise.

Also a module: load_store(dir) and validator(store, name[, cls]) serve
tests that need more than a yes/no (test_report_schemas.sh)."""
import json
import os
import sys

import jsonschema


def load_store(sd):
    """Every schema in sd by its file name and by its $id."""
    store = {}
    for n in os.listdir(sd):
        if n.endswith(".json"):
            with open(os.path.join(sd, n)) as f:
                doc = json.load(f)
            store[n] = doc
            sid = doc.get("$id") or doc.get("id")
            if sid:
                store[sid] = doc
    return store


def validator(store, name, cls=None):
    """A validator for store[name] (its draft's class unless cls is
    given) resolving $refs from the store only."""
    schema = store[name]
    cls = cls or jsonschema.validators.validator_for(schema)
    try:  # jsonschema >= 4.18
        from referencing import Registry, Resource
        from referencing.jsonschema import specification_with

        spec = specification_with(schema.get("$schema", ""))
        reg = Registry().with_resources(
            (u, Resource.from_contents(d, default_specification=spec))
            for u, d in store.items())
        return cls(schema, registry=reg)
    except ImportError:
        return cls(schema, resolver=jsonschema.RefResolver(
            base_uri=schema.get("$id", ""), referrer=schema, store=store))


def main():
    sd, name, docs = sys.argv[1], sys.argv[2], sys.argv[3:]
    v = validator(load_store(sd), name)
    for d in docs:
        with open(d) as f:
            err = jsonschema.exceptions.best_match(v.iter_errors(json.load(f)))
        if err:
            print(f"{d}: {err.json_path}: {err.message}"[:400])
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
