#!/usr/bin/env bash
# Install the Debian packages nqbot needs for text extraction (OCR, PDF tools, legacy Word).
# Idempotent and non-interactive: apt runs only when a package is missing. Works as root or via sudo.
#   scripts/setup-system.sh            # required packages
#   WITH_LIBREOFFICE=1 scripts/setup-system.sh   # also LibreOffice (optional .doc fallback, ~500 MB)
set -euo pipefail

PACKAGES=(
  tesseract-ocr          # OCR engine (documents/extract/ocr.py)
  tesseract-ocr-vie      # Vietnamese language data
  tesseract-ocr-chi-sim  # Simplified Chinese language data
  poppler-utils          # pdftotext, pdftoppm (documents/extract/pdf.py, ocr.py)
  antiword               # legacy Word .doc (documents/extract/doc.py)
  fonts-dejavu-core      # DejaVuSans/DejaVuSerif used by tests to generate PDFs and scans
)
if [[ "${WITH_LIBREOFFICE:-0}" == "1" ]]; then
  PACKAGES+=(libreoffice-writer-nogui)
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  if dpkg -s "$pkg" >/dev/null 2>&1 && [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" == "install ok installed" ]]; then
    echo "ok       $pkg"
  else
    echo "missing  $pkg"
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "All system packages are present; nothing to do."
  exit 0
fi

if [[ "$(id -u)" -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && { sudo -n true 2>/dev/null || [[ -t 0 ]]; }; then
  SUDO=(sudo)  # passwordless, or a terminal to ask for the password on
else
  cat >&2 <<MSG
error: nqbot needs these Debian packages, and installing them needs root:
    ${missing[*]}
Run this once as root (or ask your administrator to), then run make again:
    apt-get install -y --no-install-recommends ${missing[*]}
(or run make with sudo, or as root).
MSG
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "Running apt-get update"
"${SUDO[@]}" apt-get update -q
echo "Installing: ${missing[*]}"
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"

echo "Checking tools"
for tool in tesseract pdftotext pdftoppm antiword; do
  command -v "$tool" >/dev/null 2>&1 && echo "ok       $tool" || { echo "error: $tool not on PATH" >&2; exit 1; }
done
langs="$(tesseract --list-langs 2>&1)"
for lang in vie chi_sim; do
  grep -qx "$lang" <<<"$langs" && echo "ok       tesseract language $lang" || { echo "error: tesseract language $lang missing" >&2; exit 1; }
done
echo "Done."
