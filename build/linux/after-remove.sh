#!/bin/bash
# The deb's postrm (see after-install.sh). dpkg removes the package's files, /usr/bin/${executable}
# included; what the postinst added besides them, the AppArmor profile, goes here on remove or purge.
# On an upgrade the new version's postinst replaces the profile, so it stays.
set -e
case "$1" in
  remove | purge) ;;
  *) exit 0 ;;
esac
profile='/etc/apparmor.d/${executable}'
if [ -f "$profile" ]; then
  if command -v apparmor_parser >/dev/null 2>&1 && ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; }; then
    apparmor_parser --remove "$profile" >/dev/null 2>&1 || true
  fi
  rm -f "$profile"
fi
exit 0
