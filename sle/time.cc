#include "sle/time.h"

#include <chrono>
#include <stdexcept>

namespace groundlink::sle {

namespace {
constexpr int64_t kNsPerMs = 1000000;
constexpr int64_t kMsPerDay = 86400000;

struct Parts {
  int64_t days, ms, ns_of_ms;
};
Parts split(int64_t ns) {
  const int64_t ns_per_day = kMsPerDay * kNsPerMs;
  int64_t days = ns / ns_per_day;
  int64_t rem = ns % ns_per_day;
  if (rem < 0) {
    rem += ns_per_day;
    --days;
  }
  days += kCdsEpochOffsetDays;
  if (days < 0 || days > 0xffff) throw std::invalid_argument("time outside the CDS 16-bit day range");
  return {days, rem / kNsPerMs, rem % kNsPerMs};
}
}  // namespace

SleTime SleTime::now() {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  return SleTime{static_cast<int64_t>(ns), 0, true};
}

std::array<uint8_t, 8> cds_encode(const SleTime& t) {
  const Parts c = split(t.ns);
  const int64_t us = c.ns_of_ms / 1000;
  return {static_cast<uint8_t>(c.days >> 8), static_cast<uint8_t>(c.days), static_cast<uint8_t>(c.ms >> 24),
          static_cast<uint8_t>(c.ms >> 16),  static_cast<uint8_t>(c.ms >> 8), static_cast<uint8_t>(c.ms),
          static_cast<uint8_t>(us >> 8),     static_cast<uint8_t>(us)};
}

std::array<uint8_t, 10> cds_pico_encode(const SleTime& t) {
  const Parts c = split(t.ns);
  const int64_t ps = c.ns_of_ms * 1000 + t.ps;
  return {static_cast<uint8_t>(c.days >> 8), static_cast<uint8_t>(c.days), static_cast<uint8_t>(c.ms >> 24),
          static_cast<uint8_t>(c.ms >> 16),  static_cast<uint8_t>(c.ms >> 8), static_cast<uint8_t>(c.ms),
          static_cast<uint8_t>(ps >> 24),    static_cast<uint8_t>(ps >> 16), static_cast<uint8_t>(ps >> 8),
          static_cast<uint8_t>(ps)};
}

SleTime cds_decode(const uint8_t* p, size_t n) {
  if (n != 8 && n != 10) throw std::invalid_argument("CDS time must be 8 or 10 octets");
  const int64_t days = (int64_t{p[0]} << 8) | p[1];
  const int64_t ms = (int64_t{p[2]} << 24) | (int64_t{p[3]} << 16) | (int64_t{p[4]} << 8) | p[5];
  if (ms >= kMsPerDay + 1000) throw std::invalid_argument("CDS milliseconds of day out of range");
  SleTime t;
  t.pico = n == 10;
  int64_t ns_of_ms;
  if (n == 8) {
    const int64_t us = (int64_t{p[6]} << 8) | p[7];
    if (us >= 1000) throw std::invalid_argument("CDS microseconds of millisecond out of range");
    ns_of_ms = us * 1000;
  } else {
    const int64_t ps = (int64_t{p[6]} << 24) | (int64_t{p[7]} << 16) | (int64_t{p[8]} << 8) | p[9];
    if (ps >= 1000000000LL) throw std::invalid_argument("CDS picoseconds of millisecond out of range");
    ns_of_ms = ps / 1000;
    t.ps = static_cast<int32_t>(ps % 1000);
  }
  t.ns = ((days - kCdsEpochOffsetDays) * kMsPerDay + ms) * kNsPerMs + ns_of_ms;
  return t;
}

}  // namespace groundlink::sle
