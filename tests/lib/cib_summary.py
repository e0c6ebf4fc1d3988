#!/usr/bin/python3
"""cib_summary.py CIB.xml: the configuration of a CIB as sorted lines, so two
CIBs built by different tools (crm, pcs) can be compared: primitives with
their agents, parameters and operations; groups; location constraints by
resource, node and score; cluster properties (without the ones the cluster
or the lab sets itself); resource and operation defaults. Ids of nvpairs
and constraints are left out: each tool makes its own."""
import re
import sys
import xml.etree.ElementTree as ET

OWN_PROPERTIES = {"dc-version", "cluster-infrastructure", "cluster-name",
                  "dc-deadtime", "have-watchdog", "last-lrm-refresh"}


def ms(value):
    """A duration in milliseconds: 10s, 500ms, 1m, 0, 30 (seconds)."""
    m = re.fullmatch(r"(\d+)(ms|s|m|min|h)?", value.strip())
    if not m:
        return value
    n, unit = int(m.group(1)), m.group(2) or "s"
    return str(n * {"ms": 1, "s": 1000, "m": 60000, "min": 60000, "h": 3600000}[unit])


def nvpairs(elem, tag):
    out = []
    for block in elem.findall(tag):
        for nv in block.findall("nvpair"):
            out.append((nv.get("name"), nv.get("value")))
    return sorted(out)


def main(path):
    cfg = ET.parse(path).getroot().find("configuration")
    lines = []
    for p in cfg.iter("primitive"):
        rid = p.get("id")
        agent = ":".join(x for x in (p.get("class"), p.get("provider"), p.get("type")) if x)
        lines.append(f"primitive {rid} {agent}")
        for k, v in nvpairs(p, "instance_attributes"):
            lines.append(f"param {rid} {k}={v}")
        for k, v in nvpairs(p, "meta_attributes"):
            lines.append(f"meta {rid} {k}={v}")
        for op in p.iter("op"):
            extra = " ".join(f"{k}={v}" for k, v in nvpairs(op, "instance_attributes"))
            lines.append(f"op {rid} {op.get('name')} interval={ms(op.get('interval', '0'))} "
                         f"timeout={ms(op.get('timeout', ''))} {extra}".rstrip())
    for g in cfg.iter("group"):
        lines.append(f"group {g.get('id')} " + " ".join(p.get("id") for p in g.findall("primitive")))
    for loc in cfg.iter("rsc_location"):
        lines.append(f"location {loc.get('rsc')} {loc.get('node')} {loc.get('score')}")
    crm = cfg.find("crm_config")
    for k, v in nvpairs(crm, "cluster_property_set") if crm is not None else []:
        if k not in OWN_PROPERTIES:
            lines.append(f"property {k}={v}")
    for section, name in (("rsc_defaults", "rsc-default"), ("op_defaults", "op-default")):
        s = cfg.find(section)
        if s is not None:
            for k, v in nvpairs(s, "meta_attributes"):
                lines.append(f"{name} {k}={ms(v) if k == 'timeout' else v}")
    print("\n".join(sorted(lines)))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: cib_summary.py CIB.xml")
    main(sys.argv[1])
