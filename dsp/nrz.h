// NRZ-M <-> NRZ-L conversion (CCSDS 131.0-B-4 §2.2 / 401.0-B §2.4.6: NRZ-M, a level change
// means "1"). Decoding NRZ-M is differential decoding, which also removes the 180-degree phase
// ambiguity of BPSK: the decoded bit is the XOR of two consecutive levels.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dsp/soft.h"

namespace groundlink::dsp {

/// NRZ-L -> NRZ-M: level(i) = level(i-1) XOR bit(i). Bits one per byte (0/1). Streaming.
class NrzmEncoder {
 public:
  void reset() { level_ = 0; }
  void process(const uint8_t* bits, size_t n, uint8_t* levels);

 private:
  uint8_t level_ = 0;
};

/// NRZ-M -> NRZ-L: bit(i) = level(i) XOR level(i-1). The level before the first input is 0 (or
/// the last level of the previous call). Streaming; hard (0/1 per byte), packed bytes (MSB
/// first) and soft versions; bits may equal levels (in place).
class NrzmDecoder {
 public:
  void reset() {
    prev_bit_ = 0;
    prev_soft_ = kSoftZero;
  }
  void process(const uint8_t* levels, size_t n, uint8_t* bits);
  /// n packed bytes (8 levels each, MSB first) -> n packed bytes.
  void process_packed(const uint8_t* levels, size_t n, uint8_t* bits);
  /// Soft: the output sign is "1" where the two levels differ; the magnitude is the smaller of
  /// the two confidences (max-log approximation of the XOR log-likelihood).
  void process_soft(const soft_t* levels, size_t n, soft_t* bits);

 private:
  uint8_t prev_bit_ = 0;
  soft_t prev_soft_ = kSoftZero;
};

}  // namespace groundlink::dsp
