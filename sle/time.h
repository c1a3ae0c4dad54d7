// SLE time: CCSDS CDS time codes (CCSDS 301.0-B-4 §3.3) as used by SLE Time (913.1-B common types):
// ccsdsFormat = 2 octets days since 1958-01-01, 4 octets ms of day, 2 octets µs of ms;
// ccsdsPicoFormat (SLE v3+) = same with 4 octets ps of ms.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace groundlink::sle {

/// Days from the CDS epoch 1958-01-01 to the Unix epoch 1970-01-01.
constexpr int64_t kCdsEpochOffsetDays = 4383;

/// A UTC instant: nanoseconds since 1970 plus 0..999 ps (int64 ps since 1970 would overflow after
/// 106 days). `pico` records which CDS format it came in / should go out in.
struct SleTime {
  int64_t ns = 0;
  int32_t ps = 0;  ///< 0..999 picoseconds below `ns`
  bool pico = false;
  bool operator==(const SleTime& o) const { return ns == o.ns && ps == o.ps; }
  static SleTime from_ns(int64_t ns, bool pico = false) { return {ns, 0, pico}; }
  static SleTime now();
};

std::array<uint8_t, 8> cds_encode(const SleTime& t);
std::array<uint8_t, 10> cds_pico_encode(const SleTime& t);
/// Decodes an 8-octet or 10-octet CDS code; throws std::invalid_argument on another size or an
/// out-of-range sub-field (µs >= 1000, ps >= 1e9, ms of day beyond a leap second).
SleTime cds_decode(const uint8_t* p, size_t n);

}  // namespace groundlink::sle
