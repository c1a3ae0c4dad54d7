// CLTU coding for TC uplink (CCSDS 231.0-B-4 §5): start sequence EB90, BCH(63,56) code blocks of
// 7 information octets + 1 octet (7 complemented parity bits and a zero filler bit), tail sequence
// C5C5C5C5C5C5C579. Generator g(x) = x^7 + x^6 + x^2 + 1 (§5.3.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace groundlink::sle {

constexpr uint8_t kCltuStart[2] = {0xEB, 0x90};
constexpr uint8_t kCltuTail[8] = {0xC5, 0xC5, 0xC5, 0xC5, 0xC5, 0xC5, 0xC5, 0x79};
constexpr uint8_t kCltuFill = 0x55;  ///< fill octets completing the last code block (§5.3.3.4)

/// The parity octet of one code block (7 information octets).
uint8_t bch_parity(const uint8_t* info7);

/// Builds a CLTU around `data` (a TC transfer frame or several), padding the last block with 0x55.
std::vector<uint8_t> cltu_encode(const uint8_t* data, size_t n);

struct CltuDecodeResult {
  bool ok = false;              ///< start and tail found, every block valid (after correction)
  std::vector<uint8_t> data;    ///< information octets (fill included)
  int blocks = 0;
  int corrected = 0;            ///< blocks with one bit corrected
  int bad_block = -1;           ///< first uncorrectable block
};

/// Checks a CLTU. With `correct`, single-bit errors per block are corrected (the code's minimum
/// distance is 4 with the filler bit: single error correction, double error detection).
CltuDecodeResult cltu_decode(const uint8_t* cltu, size_t n, bool correct = false);

}  // namespace groundlink::sle
