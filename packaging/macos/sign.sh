#!/usr/bin/env bash
# Sign Loupe.app from the inside out: every Mach-O file, then each nested bundle
# deepest first (QtWebEngineProcess.app with its own entitlements, then the Qt
# frameworks), then the app itself, and verify the result.
#
#   packaging/macos/sign.sh dist/Loupe.app
#
# MACOS_SIGN_IDENTITY set (a "Developer ID Application: ..." identity in a
# keychain on the search list, see import-certificate.sh): hardened runtime,
# entitlements and a secure timestamp, ready for notarize.sh. Unset: an ad-hoc
# signature, which Apple silicon needs to run the app at all, but which
# Gatekeeper treats as unsigned.
set -euo pipefail

app=${1:?usage: sign.sh PATH/Loupe.app}
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$app/Contents/MacOS" ]; then
  echo "sign.sh: $app is not an app bundle (no Contents/MacOS)" >&2
  exit 2
fi

identity=${MACOS_SIGN_IDENTITY:-}
if [ -n "$identity" ]; then
  flags=(--force --options runtime --timestamp --sign "$identity")
  echo "sign.sh: signing $app with the Developer ID identity, hardened runtime on"
else
  # Ad-hoc signatures have no team: the hardened runtime's library validation
  # would refuse every bundled library, so it stays off.
  flags=(--force --sign -)
  echo "sign.sh: MACOS_SIGN_IDENTITY is not set: ad-hoc signature, the app is unsigned for Gatekeeper"
fi

# 1. Every Mach-O file that is not a bundle's main executable: Python extension
#    modules, dylibs, the Qt libraries inside the frameworks. Symbolic links
#    (PyInstaller links Contents/MacOS and Contents/Resources to the
#    frameworks) are signed through their targets.
count=0
while IFS= read -r -d '' file; do
  if file -b "$file" | grep -q '^Mach-O'; then
    codesign "${flags[@]}" "$file"
    count=$((count + 1))
  fi
done < <(find "$app/Contents" -type f ! -path "$app/Contents/MacOS/*" -print0)
echo "sign.sh: signed $count binaries"

# 2. Nested bundles, deepest first, so that each is sealed after what it holds.
#    PyInstaller keeps them all in Contents/Frameworks (what Contents/Resources
#    holds of a framework is data, linked there).
while IFS= read -r bundle; do
  case "$bundle" in
    */QtWebEngineProcess.app)
      codesign "${flags[@]}" --entitlements "$here/webengine-entitlements.plist" "$bundle" ;;
    *)
      codesign "${flags[@]}" "$bundle" ;;
  esac
  echo "sign.sh: signed ${bundle#"$app"/}"
done < <(find "$app/Contents/Frameworks" -type d \( -name '*.app' -o -name '*.framework' \) \
           | awk -F/ '{ print NF "\t" $0 }' | sort -rn | cut -f2-)

# 3. The app, its main executable with Loupe's entitlements.
codesign "${flags[@]}" --entitlements "$here/entitlements.plist" "$app"
codesign --verify --strict --deep --verbose=2 "$app"
echo "sign.sh: $app is signed and verifies"
