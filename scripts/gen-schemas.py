#!/usr/bin/env python3
"""Generates the embedded Kubernetes JSON schemas of the `schema-validation` check.

Source: the PyPI wheel `kubernetes-validate` 1.37.0 (Apache-2.0, https://github.com/willthames/kubernetes-validate),
which ships `kubernetes_validate/kubernetes-json-schema/v1.XX.0-local-strict/_definitions.json`
(JSON Schema draft 2020-12, generated from the Kubernetes OpenAPI documents, with
`additionalProperties: false` on every object that declares properties).

For every Kubernetes minor version 1.25 ... 1.37 this keeps only the keywords validation needs
(documentation such as `description`, `format`, `x-kubernetes-*` and friends is dropped; property
names are kept whatever they are called), builds an index `apiVersion/Kind` -> definition name
from `x-kubernetes-group-version-kind`, and writes

    crates/kubeguard-checks/schemas/v1.XX.json.gz = {"index": {"apps/v1/Deployment": "io.k8s.api.apps.v1.Deployment", ...},
                                                     "defs": {"io.k8s.api.apps.v1.Deployment": {...}, ...}}

(gzip, level 9, mtime 0 so the output is reproducible).

Regenerate (from the repository root):

    pip download --no-deps -d /tmp/kv kubernetes-validate==1.37.0
    python3 scripts/gen-schemas.py /tmp/kv/kubernetes_validate-1.37.0-py3-none-any.whl
"""
import gzip
import io
import json
import os
import sys
import zipfile

VERSIONS = range(25, 38)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crates", "kubeguard-checks", "schemas")

# Keywords whose value is a schema / a map of schemas / a list of schemas.
SCHEMA_ONE = {"items", "additionalProperties", "not", "additionalItems", "contains", "propertyNames"}
SCHEMA_MAP = {"properties", "patternProperties", "$defs"}
SCHEMA_LIST = {"oneOf", "anyOf", "allOf", "prefixItems"}
# Keywords kept as they are.
PLAIN = {
    "$ref", "type", "enum", "const", "required", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems",
    "minProperties", "maxProperties", "multipleOf",
}


def strip(schema):
    """Keeps the validation keywords of `schema`, recursively."""
    if not isinstance(schema, dict):
        return schema  # boolean schema
    out = {}
    for key, value in schema.items():
        if key in PLAIN:
            out[key] = value
        elif key in SCHEMA_ONE:
            out[key] = strip(value)
        elif key in SCHEMA_MAP:
            out[key] = {k: strip(v) for k, v in value.items()}
        elif key in SCHEMA_LIST:
            out[key] = [strip(v) for v in value]
    return out


def convert(defs):
    index = {}
    for name, schema in defs.items():
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            # Only the definition of the kind itself (DeleteOptions, WatchEvent ... list many GVKs).
            if not name.endswith("." + gvk["kind"]):
                continue
            api_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            index.setdefault(f"{api_version}/{gvk['kind']}", name)
    return {"index": dict(sorted(index.items())), "defs": {k: strip(v) for k, v in sorted(defs.items())}}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    os.makedirs(OUT, exist_ok=True)
    total = 0
    with zipfile.ZipFile(sys.argv[1]) as wheel:
        for minor in VERSIONS:
            member = f"kubernetes_validate/kubernetes-json-schema/v1.{minor}.0-local-strict/_definitions.json"
            defs = json.loads(wheel.read(member))["$defs"]
            data = json.dumps(convert(defs), separators=(",", ":"), sort_keys=False).encode()
            buf = io.BytesIO()
            with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
                gz.write(data)
            path = os.path.join(OUT, f"v1.{minor}.json.gz")
            with open(path, "wb") as f:
                f.write(buf.getvalue())
            total += len(buf.getvalue())
            print(f"{path}: {len(data)} bytes JSON, {len(buf.getvalue())} gzipped")
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()
