#!/usr/bin/env bash
# A private CUPS scheduler for tests: cupsd on 127.0.0.1:PORT with one virtual printer,
# "cups-pdf", writing each job as a PDF into DIR/out. It runs in its own mount namespace with a
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
for sub in spool spool/tmp cache state log out; do
  mkdir -p "$root/$sub"
  chmod 777 "$root/$sub"
done
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
CONF
exec unshare -m --propagation private sh -c \
  "mount --bind '$root/etc' /etc/cups && exec /usr/sbin/cupsd -f -c /etc/cups/cupsd.conf -s /etc/cups/cups-files.conf"
