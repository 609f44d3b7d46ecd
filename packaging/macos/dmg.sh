#!/usr/bin/env bash
# Make a compressed disk image holding Loupe.app and a link to /Applications,
# so that installing is one drag; sign it when MACOS_SIGN_IDENTITY is set.
#
#   packaging/macos/dmg.sh dist/Loupe.app dist/loupe-0.1.0-macos-arm64.dmg
set -euo pipefail

app=${1:?usage: dmg.sh PATH/Loupe.app PATH/OUT.dmg}
dmg=${2:?usage: dmg.sh PATH/Loupe.app PATH/OUT.dmg}
if [ ! -d "$app/Contents" ]; then
  echo "dmg.sh: $app is not an app bundle" >&2
  exit 2
fi

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
# ditto keeps the bundle's symbolic links and signatures as they are.
ditto "$app" "$staging/$(basename "$app")"
ln -s /Applications "$staging/Applications"

rm -f "$dmg"
# hdiutil now and then fails with "Resource busy" while the system still scans
# the new files; a second or third attempt goes through.
for attempt in 1 2 3; do
  if hdiutil create -volname Loupe -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$dmg"; then
    break
  fi
  if [ "$attempt" = 3 ]; then
    echo "dmg.sh: hdiutil could not make $dmg" >&2
    exit 1
  fi
  echo "dmg.sh: hdiutil failed, trying again"
  sleep 5
done

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$dmg"
  codesign --verify --strict --verbose=2 "$dmg"
fi
echo "dmg.sh: made $dmg"
