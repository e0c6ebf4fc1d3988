#!/bin/bash
# Every agent's meta-data: valid the way ocf-tester checks it (against the
# document's DOCTYPE, from resource-agents' directory), and, with the OCF 1.1
# additions stripped, valid against the installed ra-api-1.dtd itself.
# Also checks the generated man page for roff warnings.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"

dtd=/usr/share/resource-agents/ra-api-1.dtd
[[ -r $dtd ]] || tap_skip_all "$dtd missing (apt-get install resource-agents)"
command -v xmllint >/dev/null || tap_skip_all "xmllint missing (apt-get install libxml2-utils)"
command -v xsltproc >/dev/null || tap_skip_all "xsltproc missing (apt-get install xsltproc)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for agent in floatip iscsitarget ctlha zpool; do
	bin=$TH_BUILDDIR/agents/$agent/$agent
	tap_check "$agent: meta-data exits 0 with an empty environment" \
		env -i "$bin" meta-data
	env -i "$bin" meta-data >"$tmp/$agent.xml"
	tap_check "$agent: meta-data valid as ocf-tester checks it" \
		bash -c "cd /usr/share/resource-agents && xmllint --noout --valid - <'$tmp/$agent.xml'"
	tap_check "$agent: OCF 1.0 part valid against $dtd" \
		bash -c "xsltproc '$TH_SRCDIR/tests/agents/ocf-1.0.xsl' '$tmp/$agent.xml' | xmllint --noout --dtdvalid '$dtd' -"
	# crmsh hands meta-data to lxml as a str, which refuses an encoding
	# declaration: the declaration must be the bare one.
	tap_is "$agent: XML declaration without encoding (crmsh can parse it)" \
		"$(head -n 1 "$tmp/$agent.xml")" '<?xml version="1.0"?>'
	tap_like "$agent: meta-data declares OCF 1.1" "$(xmllint --xpath 'string(/resource-agent/version)' "$tmp/$agent.xml")" '^1\.1$'
	"$bin" man-page >"$tmp/$agent.7"
	tap_like "$agent: man page has its title" "$(head -3 "$tmp/$agent.7")" "OCF_TWINHEAD_${agent^^} 7"
	if command -v groff >/dev/null; then
		warnings=$(groff -man -Tutf8 -ww -z "$tmp/$agent.7" 2>&1)
		tap_is "$agent: man page renders without roff warnings" "$warnings" ""
	fi
	# Every parameter in meta-data is documented in the man page.
	missing=""
	for p in $(xmllint --xpath '//parameter/@name' "$tmp/$agent.xml" | sed 's/ name="\([^"]*\)"/\1 /g'); do
		grep -q "fB$p\\\\fR" "$tmp/$agent.7" || missing+=" $p"
	done
	tap_is "$agent: every parameter is in the man page" "$missing" ""
done

# The stripping must not hide errors: a broken document still fails.
sed 's/<version>1.1<\/version>//' "$tmp/floatip.xml" >"$tmp/broken.xml"
if (cd /usr/share/resource-agents && xmllint --noout --valid - <"$tmp/broken.xml") 2>/dev/null; then
	tap_not_ok "a document without <version> is rejected"
else
	tap_ok "a document without <version> is rejected"
fi
tap_done
