// CCSDS 131.0-B-4 §4 Reed-Solomon codes RS(255,223) (E=16) and RS(255,239) (E=8) over GF(2^8)
// (field polynomial x^8+x^7+x^2+x+1, generator roots alpha^(11*j), j = 128-E .. 127+E),
// interleave depth I = 1..8, dual (Berlekamp, CCSDS) or conventional basis, shortened codewords
// (virtual fill).
//
// API contract (implementation in reed_solomon*.cc):
//  - A codeblock is I interleaved codewords: symbol j of codeword i is byte j*I + i.
//  - decode() corrects in place; error-free codewords take a SIMD syndrome-only fast path.
//  - A codeword beyond capacity is reported as a failure and left as received; a decode that
//    would exceed E/2 corrections or lands on a non-codeword is a failure, never a "success".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "dsp/cpu_features.h"

namespace groundlink::dsp {

struct RsConfig {
  int e = 16;               ///< E, symbols correctable per codeword: 16 -> RS(255,223), 8 -> RS(255,239)
  int interleave = 1;       ///< 1..8
  bool dual_basis = true;   ///< CCSDS dual-basis symbol representation
  int virtual_fill = 0;     ///< leading zero symbols per codeword not transmitted (shortening)
  SimdLevel simd = default_simd_level();
};

struct RsResult {
  bool ok = true;           ///< every codeword decoded
  int corrected = 0;        ///< symbols corrected, all codewords
  int failed_codewords = 0; ///< codewords beyond capacity
};

class ReedSolomon {
 public:
  /// Throws std::invalid_argument naming the field and its allowed range.
  explicit ReedSolomon(const RsConfig& cfg);
  ~ReedSolomon();

  size_t codeword_len() const;   ///< 255 - virtual_fill
  size_t info_len() const;       ///< I * (255 - 2E - virtual_fill)
  size_t codeblock_len() const;  ///< I * codeword_len()

  /// info: info_len() bytes -> codeblock: codeblock_len() bytes (info followed by check symbols,
  /// interleaved as transmitted).
  void encode(const uint8_t* info, uint8_t* codeblock) const;
  /// In-place decode of one codeblock of codeblock_len() bytes.
  RsResult decode(uint8_t* codeblock);
  /// True when every codeword has all-zero syndromes (no correction attempted).
  bool check(const uint8_t* codeblock) const;

  const RsConfig& config() const { return cfg_; }

 private:
  struct Impl;
  RsConfig cfg_;
  Impl* impl_;
};

}  // namespace groundlink::dsp
