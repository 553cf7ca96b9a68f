#!/usr/bin/env bash
# System packages the test suite needs beyond pip: Debian's Chromium (browser journey), LibreOffice Calc
# (recalculates exported workbooks) and Impress (renders the deck), poppler-utils (pdftoppm / pdftotext read
# the rendered deck and the PDF brief), the Liberation fonts (Arial's metrics, which the deck is measured
# with) and PostgreSQL (the scenario store and warehouse baselines are tested against a real server,
# started by tests/conftest.py). Installed only when missing.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
ls /usr/lib/libreoffice/program/libslideshowlo.so >/dev/null 2>&1 || need+=(libreoffice-impress-nogui)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
ls /usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf >/dev/null 2>&1 || need+=(fonts-liberation2)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${need[*]}"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "error: ${need[*]} missing and not root; install them with apt-get" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
