#!/usr/bin/env bash
# Notarise a signed Loupe.app or disk image with Apple, staple the ticket to it
# and check that Gatekeeper accepts it.
#
#   packaging/macos/notarize.sh dist/Loupe.app
#   packaging/macos/notarize.sh dist/loupe-0.1.0-macos-arm64.dmg
#
# Credentials from the environment, either an App Store Connect API key
# (APPLE_API_KEY: the .p8 file's text, APPLE_API_KEY_ID, APPLE_API_ISSUER) or an
# Apple ID (APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD: an app-specific
# password). Without either, it says so and does nothing: the build stays
# unnotarised. Needs a Developer ID signature (MACOS_SIGN_IDENTITY, sign.sh).
set -euo pipefail

target=${1:?usage: notarize.sh PATH/Loupe.app|PATH/loupe.dmg}
if [ ! -e "$target" ]; then
  echo "notarize.sh: $target does not exist" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -n "${APPLE_API_KEY:-}" ] && [ -n "${APPLE_API_KEY_ID:-}" ] && [ -n "${APPLE_API_ISSUER:-}" ]; then
  (umask 077 && printf '%s\n' "$APPLE_API_KEY" > "$work/key.p8")
  auth=(--key "$work/key.p8" --key-id "$APPLE_API_KEY_ID" --issuer "$APPLE_API_ISSUER")
elif [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] && [ -n "${APPLE_APP_PASSWORD:-}" ]; then
  auth=(--apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD")
else
  echo "notarize.sh: no Apple credentials in the environment: $target is not notarised"
  exit 0
fi
if [ -z "${MACOS_SIGN_IDENTITY:-}" ]; then
  echo "notarize.sh: Apple credentials are set but MACOS_SIGN_IDENTITY is not: Apple notarises only Developer ID signed code" >&2
  exit 1
fi

case "$target" in
  *.app)
    upload="$work/$(basename "$target" .app).zip"
    ditto -c -k --keepParent "$target" "$upload" ;;
  *.dmg)
    upload=$target ;;
  *)
    echo "notarize.sh: $target is neither an .app nor a .dmg" >&2
    exit 2 ;;
esac

echo "notarize.sh: submitting $target to Apple's notary service and waiting for its answer"
xcrun notarytool submit "$upload" "${auth[@]}" --wait --output-format json > "$work/result.json"
status=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["status"])' "$work/result.json")
if [ "$status" != "Accepted" ]; then
  id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$work/result.json")
  echo "notarize.sh: Apple answered $status for $target; its log follows" >&2
  xcrun notarytool log "$id" "${auth[@]}" >&2 || true
  exit 1
fi

xcrun stapler staple "$target"
xcrun stapler validate "$target"
case "$target" in
  *.app) spctl --assess --type execute --verbose=2 "$target" ;;
  *.dmg) spctl --assess --type open --context context:primary-signature --verbose=2 "$target" ;;
esac
echo "notarize.sh: $target is notarised, stapled and accepted by Gatekeeper"
