#!/bin/bash
# The deb's postinst, run as root once the files are in place. Hark ships its own instead of
# electron-builder's default, because that one points /usr/bin/${executable} at the Electron binary;
# here /usr/bin/${executable} is a file of the package (the launcher that also runs the command line),
# so there is no link to make. electron-builder fills in the names before packaging.
set -e
app='/opt/${sanitizedProductName}'

# Chromium's sandbox uses unprivileged user namespaces, or its setuid helper where they are off.
userns_off() {
  [ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" = 0 ] ||
    [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 1)" = 0 ]
}
if userns_off; then
  chmod 4755 "$app/chrome-sandbox" || true
else
  chmod 0755 "$app/chrome-sandbox" || true
fi

# Ubuntu 24.04 and later allow user namespaces only to programs with an AppArmor profile; electron-
# builder writes one into the app. Installed only where this AppArmor can read it, loaded unless
# this runs in a chroot (an image being prepared).
profile_source="$app/resources/apparmor-profile"
profile='/etc/apparmor.d/${executable}'
if [ -f "$profile_source" ] && command -v apparmor_parser >/dev/null 2>&1 &&
  aa-enabled --quiet 2>/dev/null &&
  apparmor_parser --skip-kernel-load --debug "$profile_source" >/dev/null 2>&1; then
  cp -f "$profile_source" "$profile"
  if ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; }; then
    apparmor_parser --replace --write-cache --skip-read-cache "$profile" || true
  fi
fi

exit 0
