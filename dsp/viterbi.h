// CCSDS 131.0-B-4 §3 convolutional code, k=7, r=1/2 (G1=0x79, G2=0x5B, G2 output inverted),
// punctured rates 2/3, 3/4, 5/6, 7/8 (§3.5), and its soft-decision Viterbi decoder.
//
// API contract (implementation in viterbi*.cc):
//  - ConvEncoder: bits (one per byte, 0/1) -> channel symbols (one per byte, 0/1), punctured.
//  - ViterbiDecoder streaming: process() takes punctured soft symbols (dsp::soft_t) in any chunk
//    size and writes decoded bits (one per byte) as soon as they are past the traceback depth;
//    flush() emits the rest at end of input (best-state traceback), so nothing stays inside.
//  - decode_block(): a terminated block (encoder starts in state 0, 6 zero tail bits appended):
//    exact maximum-likelihood decode of the whole block.
//  - Kernels: scalar reference, AVX2, AVX-512 behind runtime dispatch; all bit-exact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dsp/cpu_features.h"
#include "dsp/soft.h"

namespace groundlink::dsp {

enum class ConvRate { r1_2, r2_3, r3_4, r5_6, r7_8 };

/// "1/2", "2/3", "3/4", "5/6", "7/8"; throws std::invalid_argument naming the allowed values.
ConvRate conv_rate_from_string(const std::string& s);
const char* to_string(ConvRate r);
/// Information bits per channel symbol (0.5 for r1_2, 0.875 for r7_8).
double code_rate(ConvRate r);

struct ConvCodeConfig {
  ConvRate rate = ConvRate::r1_2;
  bool invert_g2 = true;  ///< CCSDS inverts the G2 output (131.0-B-4 §3.3 Note). false = NASA-standard.
};

class ConvEncoder {
 public:
  explicit ConvEncoder(const ConvCodeConfig& cfg = {});
  void reset();
  /// Encodes n bits; returns the number of channel symbols written (<= 2n).
  size_t encode(const uint8_t* bits, size_t n, uint8_t* symbols);
  /// Appends the 6 zero tail bits that terminate a block.
  size_t terminate(uint8_t* symbols);
  const ConvCodeConfig& config() const { return cfg_; }

 private:
  ConvCodeConfig cfg_;
  uint32_t state_ = 0;
  size_t punct_pos_ = 0;
};

struct ViterbiConfig {
  ConvCodeConfig code;
  /// Decisions kept before a bit is released in streaming mode. >= 5*K; the default is long
  /// enough that streaming loses no sensitivity against block decoding (see tests).
  size_t traceback = 96;
  /// Largest number of decoded bits one process() call may produce before output is released
  /// (sizes the internal decision memory, allocated once in the constructor).
  size_t chunk_bits = 8192;
  SimdLevel simd = default_simd_level();
};

class ViterbiDecoder {
 public:
  explicit ViterbiDecoder(const ViterbiConfig& cfg = {});
  ~ViterbiDecoder();
  ViterbiDecoder(const ViterbiDecoder&) = delete;
  ViterbiDecoder& operator=(const ViterbiDecoder&) = delete;

  void reset();
  /// Streaming: consumes all n soft symbols, writes decoded bits to out, returns how many.
  /// out must hold at least max_output(n) bytes.
  size_t process(const soft_t* soft, size_t n, uint8_t* out);
  /// End of stream: releases every bit still inside (traceback from the best state).
  size_t flush(uint8_t* out);
  size_t max_output(size_t n_symbols) const;

  /// Terminated block (start and end state 0): n symbols including the tail; returns info bits.
  size_t decode_block(const soft_t* soft, size_t n, uint8_t* out);

  const ViterbiConfig& config() const { return cfg_; }
  SimdLevel simd() const { return simd_; }

 private:
  struct Impl;
  ViterbiConfig cfg_;
  SimdLevel simd_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace groundlink::dsp
