#include "sle/tml.h"

#include <cstring>
#include <string>

namespace groundlink::sle {

TmlHeader tml_parse_header(const uint8_t* h, uint32_t max_pdu) {
  TmlHeader t;
  if (h[0] < 1 || h[0] > 3) throw TmlError("TML: unknown message type " + std::to_string(h[0]));
  if (h[1] || h[2] || h[3]) throw TmlError("TML: reserved header octets not zero");
  t.type = static_cast<TmlType>(h[0]);
  t.length = (uint32_t{h[4]} << 24) | (uint32_t{h[5]} << 16) | (uint32_t{h[6]} << 8) | h[7];
  if (t.type == TmlType::heartbeat && t.length != 0) throw TmlError("TML: heartbeat with a body");
  if (t.type == TmlType::context && t.length != kTmlContextBodySize)
    throw TmlError("TML: context message length " + std::to_string(t.length) + " (12 expected)");
  if (t.type == TmlType::pdu && (t.length == 0 || t.length > max_pdu))
    throw TmlError("TML: PDU length " + std::to_string(t.length) + " outside 1.." + std::to_string(max_pdu));
  return t;
}

void tml_put_header(uint8_t* h, TmlType type, uint32_t length) {
  h[0] = static_cast<uint8_t>(type);
  h[1] = h[2] = h[3] = 0;
  h[4] = static_cast<uint8_t>(length >> 24);
  h[5] = static_cast<uint8_t>(length >> 16);
  h[6] = static_cast<uint8_t>(length >> 8);
  h[7] = static_cast<uint8_t>(length);
}

std::vector<uint8_t> tml_encode_context(const TmlContext& c) {
  std::vector<uint8_t> m(kTmlHeaderSize + kTmlContextBodySize, 0);
  tml_put_header(m.data(), TmlType::context, kTmlContextBodySize);
  uint8_t* b = m.data() + kTmlHeaderSize;
  std::memcpy(b, "ISP1", 4);
  b[7] = c.version;
  b[8] = static_cast<uint8_t>(c.heartbeat_s >> 8);
  b[9] = static_cast<uint8_t>(c.heartbeat_s);
  b[10] = static_cast<uint8_t>(c.dead_factor >> 8);
  b[11] = static_cast<uint8_t>(c.dead_factor);
  return m;
}

TmlContext tml_decode_context(const uint8_t* b, size_t n) {
  if (n != kTmlContextBodySize) throw TmlError("TML: context message size");
  if (std::memcmp(b, "ISP1", 4) != 0) throw TmlError("TML: protocol id is not ISP1");
  if (b[4] || b[5] || b[6] || b[7] != 1) throw TmlError("TML: unsupported ISP1 version " + std::to_string(b[7]));
  TmlContext c;
  c.version = b[7];
  c.heartbeat_s = static_cast<uint16_t>((b[8] << 8) | b[9]);
  c.dead_factor = static_cast<uint16_t>((b[10] << 8) | b[11]);
  return c;
}

std::vector<uint8_t> tml_heartbeat() {
  std::vector<uint8_t> m(kTmlHeaderSize);
  tml_put_header(m.data(), TmlType::heartbeat, 0);
  return m;
}

std::vector<TmlMessage> tml_split(const uint8_t* p, size_t n, std::vector<uint8_t>* trailing, uint32_t max_pdu) {
  std::vector<TmlMessage> out;
  size_t i = 0;
  while (n - i >= kTmlHeaderSize) {
    const TmlHeader h = tml_parse_header(p + i, max_pdu);
    if (n - i - kTmlHeaderSize < h.length) break;
    out.push_back({h.type, std::vector<uint8_t>(p + i + kTmlHeaderSize, p + i + kTmlHeaderSize + h.length)});
    i += kTmlHeaderSize + h.length;
  }
  if (trailing) trailing->assign(p + i, p + n);
  return out;
}

}  // namespace groundlink::sle
