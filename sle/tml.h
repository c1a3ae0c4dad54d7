// ISP1 Transport Mapping Layer (CCSDS 913.1-B-2 §3.2): every message on the TCP connection starts
// with an 8-octet header — octet 0 the type, octets 1..3 zero, octets 4..7 the big-endian length
// of what follows. Type 1 carries one BER-encoded SLE PDU, type 2 the context message sent once by
// the initiator, type 3 a heartbeat (length 0). PEER-ABORT is not a message: it is one octet of TCP
// urgent data holding the diagnostic, after which the connection is closed (§3.2.4.4).
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace groundlink::sle {

class TmlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class TmlType : uint8_t { pdu = 1, context = 2, heartbeat = 3 };
constexpr size_t kTmlHeaderSize = 8;
constexpr size_t kTmlContextBodySize = 12;

struct TmlHeader {
  TmlType type = TmlType::pdu;
  uint32_t length = 0;
};

/// Decodes a header; throws TmlError on an unknown type, non-zero reserved octets, a heartbeat with
/// a body, a context message of the wrong size, or a PDU longer than `max_pdu`.
TmlHeader tml_parse_header(const uint8_t* h, uint32_t max_pdu);
void tml_put_header(uint8_t* h, TmlType type, uint32_t length);

/// Context message contents (§3.2.3.2): protocol id "ISP1", version 1, heartbeat interval in
/// seconds (0 = no heartbeat) and dead factor (the peer is declared dead after interval*factor
/// seconds without any message).
struct TmlContext {
  uint8_t version = 1;
  uint16_t heartbeat_s = 30;
  uint16_t dead_factor = 3;
};

/// Whole message (header + 12-octet body).
std::vector<uint8_t> tml_encode_context(const TmlContext& c);
/// Body only; throws TmlError when the protocol id or version is wrong.
TmlContext tml_decode_context(const uint8_t* body, size_t n);
/// Whole heartbeat message (8 octets).
std::vector<uint8_t> tml_heartbeat();

/// Splits a captured byte stream into messages. What is left after the last whole message (e.g. the
/// PEER-ABORT urgent octet recorded in line) is returned in `trailing`.
struct TmlMessage {
  TmlType type;
  std::vector<uint8_t> body;
};
std::vector<TmlMessage> tml_split(const uint8_t* p, size_t n, std::vector<uint8_t>* trailing,
                                  uint32_t max_pdu = 16u << 20);

}  // namespace groundlink::sle
