// CCSDS pseudo-randomizer (CCSDS 131.0-B-4 §10.4): h(x) = x^8+x^7+x^5+x^3+1, all-ones seed,
// 255-byte period, XORed onto the CADU/codeblock after the ASM (the ASM itself is not randomized).
// Randomizing and derandomizing are the same XOR.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace groundlink::dsp {

constexpr size_t kRandomizerPeriod = 255;

/// The 255-byte sequence (FF 48 0E C0 9A 0D 70 BC ...), generated from the LFSR at start-up.
const std::array<uint8_t, kRandomizerPeriod>& ccsds_randomizer_sequence();

/// XORs the sequence onto data in place; offset is the position of data[0] in the sequence
/// (0 for a whole codeblock). Randomize and derandomize are the same operation.
void ccsds_randomize(uint8_t* data, size_t n, size_t offset = 0);

}  // namespace groundlink::dsp
