#!/usr/bin/env bash
# Creates the Python venv for the interop tests (fastmcp, pinned), once per
# requirements file: the venv lives in .cache/pyvenv-<hash> and is reused.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
req="$root/harness/interop/python/requirements.txt"
hash="$(sha256sum "$req" | cut -c1-12)"
venv="$root/.cache/pyvenv-$hash"
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import fastmcp" 2>/dev/null; then
  echo "creating Python venv $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
fi
ln -sfn "$venv" "$root/.cache/pyvenv"
echo "$venv/bin/python"
