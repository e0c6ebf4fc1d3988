# tests/lib/vm.sh: tests on the real kernel tier (lab/vm): heads and a client
# as qemu guests with Debian's kernel, OpenZFS, LIO, open-iscsi, softdog.
# shellcheck shell=bash
# Source it after tests/lib/tap.sh:
#
#   vm_require                  skip the test (tap_skip_all) unless root and
#                               qemu are here; builds the guest cache
#                               (lab/vm/build: cold ~15 min, warm ~1 s)
#   vm_up [--disks N] NODE...   boot the nodes (heads share the enclosure
#                               /dev/disk/by-id/virtio-encl0..N-1); they
#                               are powered off when the test exits
#   vm_run NODE SCRIPT          run the bash SCRIPT as root in NODE; its
#                               output on stdout, its exit status returned
#                               (124: no answer within $VM_TIMEOUT s)
#   vm_ok DESC NODE SCRIPT      tap_check of vm_run
#   vm_poweroff NODE            power loss (SIGKILL of its qemu)
#   vm_poweron NODE             boot it again, same disks, until ready
#   vm_wait_off NODE SECONDS    wait for NODE's guest to stop by itself
#                               (reset or poweroff); prints the epoch time
#                               it was seen stopped; 1 if it still runs
#   vm_agent NODE AGENT ACTION [key=value...]
#                               run ocf:twinhead:AGENT in NODE with those
#                               OCF_RESKEY_ parameters; prints its output
#                               (stdout+stderr) and returns its exit status
#
# Nodes are named by the test; each gets 10.214.0.(10+i) in the order
# given to vm_up and hostid 0xa0a0a0a0+i. The lab is named
# vm$TWINHEAD_LAB_SUFFIX-TESTNAME, so tests running side by side, and
# engineers (and CI) with different suffixes, never share guests.
# Example:
#   vm_require
#   vm_up a b
#   vm_ok "a creates a pool" a 'zpool create -f tank /dev/disk/by-id/virtio-encl0'
#   out=$(vm_run b 'zpool import 2>&1') ...

VM_TOOL=${TH_SRCDIR:-.}/lab/vm/twinhead-vm
# One lab per test script: make check runs tests side by side.
TWINHEAD_VM_NAME=${TWINHEAD_VM_NAME:-vm${TWINHEAD_LAB_SUFFIX:-}-$(basename "$0" .sh)}
export TWINHEAD_VM_NAME
VM_TIMEOUT=${VM_TIMEOUT:-120}

vm_require() {
	((EUID == 0)) || tap_skip_all "the VM tier needs root"
	command -v qemu-system-x86_64 >/dev/null 2>&1 ||
		tap_skip_all "qemu-system-x86_64 not found (./quickstart check installs it)"
	command -v mmdebstrap >/dev/null 2>&1 || tap_skip_all "mmdebstrap not found"
	local log
	[[ -n ${TWINHEAD_VM_IMAGES:-} ]] && return 0 # prebuilt images (lab/vm/twinhead-vm)
	log=$(TH_BUILDDIR=${TH_BUILDDIR:-.} "${TH_SRCDIR:-.}/lab/vm/build" 2>&1) || {
		tap_diag "$log"
		tap_not_ok "lab/vm/build builds the guests"
		tap_done
	}
}

vm_up() {
	trap vm_down EXIT
	local out
	if ! out=$(TH_BUILDDIR=${TH_BUILDDIR:-.} "$VM_TOOL" up "$@" 2>&1); then
		tap_diag "$out"
		vm_consoles
		tap_not_ok "the guests boot ($*)"
		tap_done
	fi
	tap_diag "$out"
}

# The last lines of every guest's console, for a failure's diagnosis.
vm_consoles() {
	local f
	for f in "${TWINHEAD_VM_DIR:-/tmp/twinhead-vm}/$TWINHEAD_VM_NAME"/*.console; do
		[[ -f $f ]] && tap_diag "== ${f##*/}" && tap_diag "$(tail -15 "$f")"
	done
}

vm_down() { "$VM_TOOL" down >/dev/null 2>&1 || true; }

vm_run() { TWINHEAD_VM_TIMEOUT=$VM_TIMEOUT "$VM_TOOL" run "$1" "$2"; }

vm_ok() { tap_check "$1" vm_run "$2" "$3"; }

vm_poweroff() { "$VM_TOOL" poweroff "$1"; }

vm_poweron() { "$VM_TOOL" poweron "$1"; }

vm_wait_off() { "$VM_TOOL" wait-off "$1" "$2"; }

vm_agent() {
	local node=$1 agent=$2 action=$3 kv env=""
	shift 3
	for kv in "$@"; do
		env+="OCF_RESKEY_${kv%%=*}=$(printf '%q' "${kv#*=}") "
	done
	vm_run "$node" "export OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=${agent}_vm $env
/usr/lib/ocf/resource.d/twinhead/$agent $action 2>&1"
}
