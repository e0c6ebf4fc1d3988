#!/bin/sh
# Regenerates the build system from configure.ac and Makefile.am.
set -e
cd "$(dirname "$0")"
autoreconf -fi
# automake ships the TAP driver but installs it only on request.
cp -f "$(automake --print-libdir)/tap-driver.sh" build-aux/tap-driver.sh
