#!/usr/bin/env python3
"""Seeds the libFuzzer corpora from the SLE wire captures in tests/data/sle-captures.

corpus/tml/: whole raw TCP byte streams and their first messages (TML framer/splitter input).
corpus/pdu/: one PDU per file, prefixed by one octet naming the service the PDU is decoded as
(0 RAF, 1 RCF, 2 CLTU) and one octet with the SLE version used to re-encode it (the fuzz_pdu
input format). Run again after adding captures; file names are content hashes, so reruns are stable.
"""
import hashlib
import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent
CAPS = HERE.parent / "data" / "sle-captures"


def put(d, data):
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def service_of(name):
    return 1 if name.startswith("rcf") else 2 if name.startswith("fcltu") else 0


def version_of(name):
    m = re.search(r"_v(\d)", name)
    return int(m.group(1)) if m else 5


for f in sorted(CAPS.glob("*.hex")):
    # Lines of hex; annotation lines (e.g. "TRAILING ...: 03") carry their octets after a colon.
    text = "".join(l.split(":")[-1] for l in f.read_text().splitlines())
    raw = bytes.fromhex("".join(text.split()))
    if not raw:
        continue
    put(HERE / "corpus" / "tml", raw[:4096])
    put(HERE / "corpus" / "tml", raw[:64])

for f in sorted(CAPS.glob("*.tml.txt")):
    lines = f.read_text().splitlines()
    svc, ver = service_of(f.name), version_of(f.name)
    for head, body in zip(lines, lines[1:]):
        if "SLE-PDU" not in head:
            continue
        msg = bytes.fromhex(body.strip())
        pdu = msg[8:]  # after the TML header
        put(HERE / "corpus" / "pdu", bytes([svc, ver]) + pdu[:8192])

# corpus/provider/: fuzz_provider inputs (octet 0: instance to BIND + version + START flag; then
# 2-octet-length-prefixed PDUs): what each captured user sent after its BIND (and START).
for f in sorted(CAPS.glob("*.tml.txt")):
    lines = f.read_text().splitlines()
    svc, ver = service_of(f.name), version_of(f.name)
    pdus = []
    for head, body in zip(lines, lines[1:]):
        if head.startswith("u2p") and "SLE-PDU" in head:
            pdus.append((head, bytes.fromhex(body.strip())[8:]))
    after = [p for h, p in pdus if "BIND-invocation" not in h and "START-invocation" not in h]
    for start in (0, 1):
        seed = bytes([(svc + 1) | ((ver - 1) << 2) | (start << 5)])
        for p in after[:12]:
            seed += len(p).to_bytes(2, "big") + p
        put(HERE / "corpus" / "provider", seed)
    # The raw stream form: the user's bytes as they were (context, BIND with its SII, ...).
    raw = b"".join(bytes.fromhex(body.strip()) for head, body in zip(lines, lines[1:]) if head.startswith("u2p"))
    put(HERE / "corpus" / "provider", bytes([0x40]) + raw[:4096])
