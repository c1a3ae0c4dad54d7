// libFuzzer target: the BER reader and every SLE PDU decoder (RAF 911.1-B, RCF 911.2-B, CLTU
// 912.1-B and the common BIND/UNBIND/PEER-ABORT PDUs of 913.1-B), for SLE versions 1..5.
// Input: octet 0 selects the service (RAF, RCF, CLTU), octet 1 the SLE version, the rest is one
// PDU. What decodes is re-encoded for that version and decoded again; the second encoding must
// equal the first (the codec is stable on its own output). ISP1 credentials found in the PDU and
// CLTU data go through their decoders too. Malformed input may only raise BerError (and
// std::invalid_argument from the encoder for values a version cannot carry).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "sle/ber.h"
#include "sle/cltu.h"
#include "sle/credentials.h"
#include "sle/pdu.h"

using namespace groundlink::sle;

namespace {
const Credentials* credentials_of(const Pdu& p) {
  return std::visit(
      [](const auto& v) -> const Credentials* {
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, PeerAbortPdu> ||
                      std::is_same_v<std::decay_t<decltype(v)>, TransferBuffer>)
          return nullptr;
        else
          return &v.credentials;
      },
      p);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  static const ServiceType kServices[] = {ServiceType::rtn_all_frames, ServiceType::rtn_ch_frames,
                                          ServiceType::fwd_cltu};
  const ServiceType service = kServices[data[0] % 3];
  const int version = 1 + data[1] % 5;
  data += 2;
  size -= 2;
  Pdu pdu;
  try {
    pdu = decode_pdu(data, size, service, version);
  } catch (const BerError&) {
    return 0;
  }
  (void)pdu_name(pdu);
  if (const Credentials* c = credentials_of(pdu); c && !c->empty()) {
    try {
      (void)check_credentials(*c, "mertens", {0, 1, 2, 3}, version, SleTime::now(), 180);
    } catch (const BerError&) {
    }
  }
  if (const auto* t = std::get_if<CltuTransferData>(&pdu)) (void)cltu_decode(t->data.data(), t->data.size());
  if (const auto* tb = std::get_if<TransferBuffer>(&pdu)) {
    for (const auto& it : tb->items)
      if (const auto* f = std::get_if<AnnotatedFrame>(&it); f && !f->credentials.empty()) {
        try {
          (void)decode_isp1_credentials(f->credentials);
        } catch (const BerError&) {
        }
      }
  }
  std::vector<uint8_t> once;
  try {
    once = encode_pdu(pdu, service, version);
  } catch (const std::invalid_argument&) {
    return 0;  // a value this version's ASN.1 cannot carry (e.g. a v5-only parameter)
  }
  Pdu again;
  try {
    again = decode_pdu(once.data(), once.size(), service, version);
  } catch (const BerError&) {
    abort();  // our own encoding must decode
  }
  if (encode_pdu(again, service, version) != once) abort();
  return 0;
}
