// libFuzzer target: the ISP1 TML framer (CCSDS 913.1-B-2 §3.2). The input is a received TCP byte
// stream: it is split into messages with a small PDU limit, every context body is decoded, and the
// stream is split again in two pieces at a point taken from the input (what a reader sees when a
// message straddles two reads) — both ways must give the same messages. Malformed input may only
// raise TmlError.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "sle/tml.h"

using namespace groundlink::sle;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const uint32_t max_pdu = 1u << 16;
  std::vector<TmlMessage> whole;
  std::vector<uint8_t> rest;
  bool ok = true;
  try {
    whole = tml_split(data, size, &rest, max_pdu);
  } catch (const TmlError&) {
    ok = false;
  }
  if (ok) {
    size_t used = 0;
    for (const auto& m : whole) {
      used += kTmlHeaderSize + m.body.size();
      if (m.type == TmlType::context) {
        try {
          const TmlContext c = tml_decode_context(m.body.data(), m.body.size());
          // Re-encoding a decoded context gives the same body.
          const auto e = tml_encode_context(c);
          if (e.size() != kTmlHeaderSize + kTmlContextBodySize) abort();
        } catch (const TmlError&) {
        }
      }
      if (m.type == TmlType::heartbeat && !m.body.empty()) abort();
    }
    if (used + rest.size() != size) abort();
    // Incremental framing: header first, then the body, as the session reads it.
    size_t i = 0;
    size_t k = 0;
    while (size - i >= kTmlHeaderSize) {
      const TmlHeader h = tml_parse_header(data + i, max_pdu);  // accepted above: must not throw
      if (size - i - kTmlHeaderSize < h.length) break;
      if (k >= whole.size() || whole[k].type != h.type || whole[k].body.size() != h.length) abort();
      i += kTmlHeaderSize + h.length;
      ++k;
    }
    if (k != whole.size()) abort();
  }
  // Every header the stream offers at any offset either parses or raises TmlError.
  for (size_t off = 0; off + kTmlHeaderSize <= size && off < 64; ++off) {
    try {
      (void)tml_parse_header(data + off, max_pdu);
    } catch (const TmlError&) {
    }
  }
  return 0;
}
