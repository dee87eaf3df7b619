#!/usr/bin/env bash
# A private CUPS scheduler for tests: cupsd on 127.0.0.1:PORT with two virtual printers:
# "cups-pdf" (the default), writing each job as a PDF into DIR/out, and "jammer", which keeps
# each job as DIR/jammer/job-N.pdf until the job whose number is written in DIR/jammer/jam-at
# (and every one after it while that file stays): those fail as a jammed printer's do, and
# CUPS stops the printer (`cupsenable jammer` starts it again). It runs in its own mount namespace with a
# private copy of the configuration over /etc/cups (cups-pdf always reads
# /etc/cups/cups-pdf.conf), so the host's configuration is never touched. Needs root (for
# `unshare -m`) and Debian `cups` + `printer-driver-cups-pdf` (scripts/setup.sh installs both).
#
# Usage: scripts/private-cups.sh DIR PORT   (runs in the foreground until killed; the log is
# DIR/log/error_log)
set -euo pipefail
root="$1"
port="$2"
mkdir -p "$root/etc/ppd"
chmod 755 "$root"
find /etc/cups -maxdepth 1 -type f -exec cp {} "$root/etc/" \;
chmod 755 "$root/etc"
for sub in spool spool/tmp cache state log out jammer; do
  mkdir -p "$root/$sub"
  chmod 777 "$root/$sub"
done
# The server's programs are the system's, with the jamming printer's backend beside them.
mkdir -p "$root/lib/backend"
for entry in /usr/lib/cups/*; do
  [ "$(basename "$entry")" = backend ] || ln -sfn "$entry" "$root/lib/$(basename "$entry")"
done
for backend in /usr/lib/cups/backend/*; do ln -sfn "$backend" "$root/lib/backend/"; done
cat >"$root/lib/backend/jammer" <<BACKEND
#!/bin/sh
if [ \$# -eq 0 ]; then echo 'direct jammer "Unknown" "OneTrip test printer that jams"'; exit 0; fi
n=\$((\$(cat "$root/jammer/count" 2>/dev/null || echo 0) + 1))
echo "\$n" >"$root/jammer/count"
if [ -f "$root/jammer/jam-at" ] && [ "\$n" -ge "\$(cat "$root/jammer/jam-at")" ]; then
  echo "ERROR: paper jam" >&2
  exit 1
fi
cat "\${6:-/dev/stdin}" >"$root/jammer/job-\$n.pdf"
BACKEND
chmod 700 "$root/lib/backend/jammer"
cat >"$root/etc/cupsd.conf" <<CONF
LogLevel warn
Listen 127.0.0.1:$port
WebInterface No
Browsing No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
CONF
cat >"$root/etc/cups-files.conf" <<CONF
ServerRoot /etc/cups
ServerBin $root/lib
RequestRoot $root/spool
TempDir $root/spool/tmp
CacheDir $root/cache
StateDir $root/state
AccessLog $root/log/access_log
ErrorLog $root/log/error_log
PageLog $root/log/page_log
LogFilePerm 0644
SystemGroup root
FileDevice No
CONF
cat >"$root/etc/cups-pdf.conf" <<CONF
Out $root/out
AnonDirName $root/out
Label 0
UserUMask 0000
Grp root
CONF
cp /usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd "$root/etc/ppd/cups-pdf.ppd"
cat >"$root/etc/printers.conf" <<CONF
<DefaultPrinter cups-pdf>
Info OneTrip test PDF printer
DeviceURI cups-pdf:/
State Idle
Accepting Yes
Shared No
</DefaultPrinter>
<Printer jammer>
Info OneTrip test printer that jams
DeviceURI jammer:/
State Idle
Accepting Yes
Shared No
ErrorPolicy stop-printer
</Printer>
CONF
exec unshare -m --propagation private sh -c \
  "mount --bind '$root/etc' /etc/cups && exec /usr/sbin/cupsd -f -c /etc/cups/cupsd.conf -s /etc/cups/cups-files.conf"
