#!/usr/bin/env bash
# Installs the system packages the tests need where they are missing: ffmpeg (real video for the
# tests; the app itself also finds the ffmpeg shipped in npm packages) and Chromium (the e2e
# tests drive the browser mode in it). A no-op when both are present.
set -euo pipefail
need=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
[ -n "${PLAYWRIGHT_CHROMIUM_PATH:-}" ] || command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need+=(chromium)
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
