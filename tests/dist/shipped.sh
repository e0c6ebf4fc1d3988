#!/bin/sh
# shipped.sh SRCDIR TARBALL: every file git tracks in SRCDIR is in TARBALL,
# except the few that exist only for git. Run by make distcheck-quick
# after distcheck; nothing to compare outside a git checkout.
set -eu
src=$1
tarball=$2
if ! git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "shipped.sh: $src is not a git checkout: nothing to compare"
	exit 0
fi
top=$(tar tzf "$tarball" | sed -n '1s|/.*||p')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar tzf "$tarball" | sed "s|^$top/||" | sort >"$tmp/tar"
# Only for git: ignore rules and the files that keep empty directories.
git -C "$src" ls-files | grep -Ev '(^|/)(\.gitignore|\.keep)$' | sort >"$tmp/git"
missing=$(comm -23 "$tmp/git" "$tmp/tar")
if [ -n "$missing" ]; then
	echo "shipped.sh: tracked by git but not in $tarball (add them to EXTRA_DIST):" >&2
	echo "$missing" | sed 's/^/  /' >&2
	exit 1
fi
echo "shipped.sh: all $(wc -l <"$tmp/git") tracked files are in $tarball"
