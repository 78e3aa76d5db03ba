#!/usr/bin/env bash
# Installs the system packages the tests need where they are missing: ffmpeg (real video for the
# tests; the app itself also finds the ffmpeg shipped in npm packages) and Chromium (the e2e
# tests drive the browser mode in it). With `bench`, also what the bench's NumPy baselines need:
# Debian's python3-numpy and OpenBLAS (with python3-numpy alone, NumPy runs on the reference
# BLAS, 10-20x slower, and the side-by-side ratios would mean nothing). A no-op when all are present.
set -euo pipefail
need=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
[ -n "${PLAYWRIGHT_CHROMIUM_PATH:-}" ] || command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need+=(chromium)
if [ "${1:-}" = bench ]; then
  [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 || need+=(python3-numpy)
  ls /usr/lib/*/libopenblas*.so* >/dev/null 2>&1 || need+=(libopenblas0-pthread)
fi
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing system packages for the tests: ${need[*]}"
if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-dejavu-core >/dev/null
else
  echo "tokenscope: the tests need ${need[*]}; install them with your package manager (or set PLAYWRIGHT_CHROMIUM_PATH)" >&2
  exit 1
fi
