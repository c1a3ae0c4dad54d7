// Synthesis helpers for the framing tests: TM frames, CADUs, bit streams, noisy soft symbols.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "dsp/crc16.h"
#include "dsp/soft.h"

namespace groundlink::test {

inline std::vector<uint8_t> unpack_bits(const uint8_t* d, size_t n) {
  std::vector<uint8_t> bits(n * 8);
  for (size_t i = 0; i < n * 8; ++i) bits[i] = d[i / 8] >> (7 - i % 8) & 1;
  return bits;
}

inline void append_bits(std::vector<uint8_t>& bits, const uint8_t* d, size_t n) {
  for (size_t i = 0; i < n * 8; ++i) bits.push_back(d[i / 8] >> (7 - i % 8) & 1);
}

/// A TM transfer frame (CCSDS 132.0-B-3 §4.1.2) with random payload, packet-synchronous data
/// field status (FHP 0), no OCF, optional FECF.
inline std::vector<uint8_t> make_tm_frame(std::mt19937& rng, size_t len, uint16_t scid, uint8_t vcid,
                                          uint8_t mc, uint8_t vc, bool fecf) {
  std::vector<uint8_t> f(len);
  for (auto& b : f) b = static_cast<uint8_t>(rng());
  f[0] = static_cast<uint8_t>(scid >> 4 & 0x3F);
  f[1] = static_cast<uint8_t>((scid & 0x0F) << 4 | (vcid & 7) << 1);
  f[2] = mc;
  f[3] = vc;
  f[4] = 0x18;  // sec hdr 0, sync 0, order 0, segment length id 11, FHP high bits 0
  f[5] = 0x00;
  if (fecf) {
    const uint16_t c = dsp::crc16_ccitt(f.data(), len - 2);
    f[len - 2] = static_cast<uint8_t>(c >> 8);
    f[len - 1] = static_cast<uint8_t>(c);
  }
  return f;
}

/// BPSK with AWGN: bit b -> (2b-1) + n, n ~ N(0, sigma^2), scaled so that +-1 maps to +-scale
/// and clipped to the soft range.
inline std::vector<dsp::soft_t> to_soft(const std::vector<uint8_t>& bits, double sigma, double scale,
                                        std::mt19937& rng) {
  std::normal_distribution<double> n(0.0, sigma);
  std::vector<dsp::soft_t> s(bits.size());
  for (size_t i = 0; i < bits.size(); ++i) {
    const double v = ((bits[i] ? 1.0 : -1.0) + (sigma > 0 ? n(rng) : 0.0)) * scale;
    s[i] = static_cast<dsp::soft_t>(std::clamp(std::lround(v), -127L, 127L));
  }
  return s;
}

}  // namespace groundlink::test
