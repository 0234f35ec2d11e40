#!/usr/bin/env bash
# Unpacks Debian's OpenBLAS into <repo>/.cache/openblas without installing it system-wide,
# for the bench's PyTorch reference: Debian's python3-torch otherwise runs on the reference
# (netlib) BLAS, an unoptimised baseline (~15x slower matmuls on one core). The bench puts
# this copy on LD_LIBRARY_PATH for the reference only. Installing libopenblas0-pthread
# system-wide works too (it then becomes the default libblas.so.3 for every program).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dest="$root/.cache/openblas"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download libopenblas0-pthread
mkdir -p "$dest"
dpkg-deb -x libopenblas0-pthread_*.deb "$dest"
ls "$dest"/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3
echo "OpenBLAS unpacked under $dest"
