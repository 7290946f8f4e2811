#!/usr/bin/env bash
# Conformance on real manifests: lints ../shared/corpus/real (2,178 files, 4,826 objects from 35
# public projects) with the default checks and requires no crash, no parse error, every object
# analyzed, byte-identical output whatever the thread count, and agreement with KubeLinter's own
# findings on the same corpus (scripts/oracle-diff.py). Skips cleanly when ../shared is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus/real
oracle=../shared/conformance/kube-linter/corpus-oracle/default-checks.tsv
if [ ! -d "$corpus" ]; then
  echo "corpus-run: ../shared/corpus/real not found; skipped"
  exit 0
fi
cargo build --release --locked -q -p kubeguard-cli
bin=target/release/kubeguard
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
"$bin" lint -j 1 --format json -o "$out/j1.json" "$corpus" || status=$?
if [ "$status" -gt 1 ]; then
  echo "corpus-run: kubeguard exited $status (input errors or crash)" >&2
  exit 1
fi
"$bin" lint -j 2 --format json -o "$out/j2.json" "$corpus" || true
"$bin" lint -j 2 --format sarif -o "$out/run.sarif" --format text -o "$out/run.txt" "$corpus" || true
if ! cmp -s "$out/j1.json" "$out/j2.json"; then
  echo "corpus-run: output differs between -j 1 and -j 2" >&2
  exit 1
fi
python3 - "$out/j1.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
print("corpus-run:", {k: s[k] for k in ("files", "documents", "objects", "skipped", "findings", "errors")})
assert s["errors"] == 0, d["errors"][:5]
assert s["objects"] == 4826, s["objects"]
assert s["files"] == 2178, s["files"]
PY
if [ -f "$oracle" ]; then
  python3 scripts/oracle-diff.py "$oracle" "$out/j1.json" "$corpus"
  # Every built-in check KubeLinter could run offline (it cannot run schema-validation).
  "$bin" lint --add-all-built-in --exclude schema-validation --format json -o "$out/all.json" "$corpus" || true
  python3 scripts/oracle-diff.py "${oracle%/*}/all-checks-but-schema-validation.tsv" "$out/all.json" "$corpus" \
    --min-recall 0.99 --min-precision 0.99
fi
echo "corpus-run: ok"
