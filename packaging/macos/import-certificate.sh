#!/usr/bin/env bash
# Put the Developer ID certificate into a throwaway keychain for sign.sh.
#
# MACOS_CERTIFICATE: the .p12 export (certificate and private key), base64;
# MACOS_CERTIFICATE_PASSWORD: its password. Without MACOS_CERTIFICATE it says
# so and does nothing (the build is then signed ad hoc). The keychain lives in
# RUNNER_TEMP (or a temporary folder) and is gone with the machine.
set -euo pipefail

if [ -z "${MACOS_CERTIFICATE:-}" ]; then
  echo "import-certificate.sh: MACOS_CERTIFICATE is not set: no signing certificate imported"
  exit 0
fi

dir=${RUNNER_TEMP:-$(mktemp -d)}
keychain="$dir/loupe-signing.keychain-db"
password=$(openssl rand -hex 24)
certificate="$dir/loupe-signing.p12"
trap 'rm -f "$certificate"' EXIT

(umask 077 && printf '%s' "$MACOS_CERTIFICATE" | base64 --decode > "$certificate")
security create-keychain -p "$password" "$keychain"
security set-keychain-settings -lut 21600 "$keychain"
security unlock-keychain -p "$password" "$keychain"
security import "$certificate" -k "$keychain" -P "${MACOS_CERTIFICATE_PASSWORD:-}" \
  -T /usr/bin/codesign -T /usr/bin/security
# Lets codesign use the key without a dialog nobody would answer.
security set-key-partition-list -S apple-tool:,apple: -s -k "$password" "$keychain" > /dev/null
# shellcheck disable=SC2046  # the list is one path per line, quoted by security
security list-keychains -d user -s "$keychain" $(security list-keychains -d user | tr -d '"')
echo "import-certificate.sh: certificate imported into $keychain"
