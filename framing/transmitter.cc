#include "framing/transmitter.h"

#include <stdexcept>
#include <string>

#include "dsp/crc16.h"
#include "dsp/randomizer.h"

namespace groundlink::framing {

FrameGenerator::FrameGenerator(const FrameGeneratorConfig& cfg) : cfg_(cfg), rng_(cfg.seed) {
  const size_t header = 6;  // TM and AOS primary headers are both 6 bytes (no insert zone)
  const size_t trailer = (cfg.fecf ? 2 : 0) + (cfg.ocf ? 4 : 0);
  if (cfg.length < header + trailer + 1 || cfg.length > 65535)
    throw std::invalid_argument("frame length " + std::to_string(cfg.length) + ": allowed " +
                                std::to_string(header + trailer + 1) + "..65535");
  if (cfg.format == FrameFormat::tm && (cfg.scid > 1023 || cfg.vcid > 7))
    throw std::invalid_argument("TM scid allowed 0..1023, vcid 0..7");
  if (cfg.format == FrameFormat::aos && (cfg.scid > 255 || cfg.vcid > 63))
    throw std::invalid_argument("AOS scid allowed 0..255, vcid 0..63");
}

std::vector<uint8_t> FrameGenerator::next() {
  std::vector<uint8_t> f(cfg_.length);
  next(f.data());
  return f;
}

void FrameGenerator::next(uint8_t* out) {
  const size_t n = cfg_.length;
  size_t pos = 0;
  if (cfg_.format == FrameFormat::tm) {
    // TM primary header (132.0-B-3 §4.1.2): version 00, SCID(10), VCID(3), OCF flag,
    // MC count(8), VC count(8), data field status: no secondary header, packet order 0,
    // segment length id 11, first header pointer 0x7FE ("only idle data") for test frames.
    const uint16_t w0 = static_cast<uint16_t>((cfg_.scid & 0x3FF) << 4 | (cfg_.vcid & 7) << 1 | (cfg_.ocf ? 1 : 0));
    out[0] = w0 >> 8;
    out[1] = w0 & 0xFF;
    out[2] = count_ & 0xFF;  // master channel frame count: one VC, so MC == VC
    out[3] = count_ & 0xFF;
    out[4] = 0x18 | 0x07;    // segment length id 11, FHP high bits 111
    out[5] = 0xFE;
    pos = 6;
  } else {
    // AOS primary header (732.0-B-4 §4.1.2): version 01, SCID(8), VCID(6), VC count(24),
    // signaling field: replay flag 0, VC frame count usage 0, spare, cycle 0.
    const uint16_t w0 = static_cast<uint16_t>(1u << 14 | (cfg_.scid & 0xFF) << 6 | (cfg_.vcid & 0x3F));
    out[0] = w0 >> 8;
    out[1] = w0 & 0xFF;
    out[2] = (count_ >> 16) & 0xFF;
    out[3] = (count_ >> 8) & 0xFF;
    out[4] = count_ & 0xFF;
    out[5] = 0x00;
    pos = 6;
  }
  const size_t data_end = n - (cfg_.fecf ? 2 : 0) - (cfg_.ocf ? 4 : 0);
  while (pos < data_end) {
    uint64_t r = rng_();
    for (int k = 0; k < 8 && pos < data_end; ++k, r >>= 8) out[pos++] = static_cast<uint8_t>(r);
  }
  if (cfg_.ocf) {
    // A type-1 report (CLCW, 232.0-B §4.2.1): control word type 0, version 00, VC of the TC
    // link, report value = this frame's count (a FARM-B counter stand-in that changes per frame).
    out[pos++] = 0x01;
    out[pos++] = static_cast<uint8_t>(cfg_.vcid << 2);
    out[pos++] = 0x00;
    out[pos++] = count_ & 0xFF;
  }
  if (cfg_.fecf) {
    const uint16_t crc = dsp::crc16_ccitt(out, n - 2);
    out[n - 2] = crc >> 8;
    out[n - 1] = crc & 0xFF;
  }
  count_ = cfg_.format == FrameFormat::tm ? (count_ + 1) & 0xFF : (count_ + 1) & 0xFFFFFF;
}

CaduEncoder::CaduEncoder(const CaduEncoderConfig& cfg) : cfg_(cfg) {
  if (cfg.asm_bits <= 0 || cfg.asm_bits > 64 || cfg.asm_bits % 8)
    throw std::invalid_argument("asm_bits " + std::to_string(cfg.asm_bits) + ": allowed 8, 16, ..., 64");
  if (cfg.rs) rs_ = std::make_unique<dsp::ReedSolomon>(*cfg.rs);
  if (cfg.conv) conv_ = std::make_unique<dsp::ConvEncoder>(*cfg.conv);
}

std::optional<size_t> CaduEncoder::frame_length() const {
  if (rs_) return rs_->info_len();
  return std::nullopt;
}

size_t CaduEncoder::cadu_bytes(size_t frame_len) const {
  return static_cast<size_t>(cfg_.asm_bits / 8) + (rs_ ? rs_->codeblock_len() : frame_len);
}

void CaduEncoder::encode(const uint8_t* frame, size_t len, std::vector<uint8_t>& out) {
  if (rs_ && len != rs_->info_len())
    throw std::invalid_argument("frame of " + std::to_string(len) + " bytes; the RS codeblock carries " +
                                std::to_string(rs_->info_len()));
  const size_t asm_bytes = static_cast<size_t>(cfg_.asm_bits / 8);
  cadu_.resize(cadu_bytes(len));
  for (size_t i = 0; i < asm_bytes; ++i)
    cadu_[i] = static_cast<uint8_t>(cfg_.asm_marker >> (8 * (asm_bytes - 1 - i)));
  uint8_t* block = cadu_.data() + asm_bytes;
  if (rs_) rs_->encode(frame, block);
  else std::copy(frame, frame + len, block);
  if (cfg_.randomizer) dsp::ccsds_randomize(block, cadu_.size() - asm_bytes);
  bits_.resize(cadu_.size() * 8);
  for (size_t i = 0; i < cadu_.size(); ++i)
    for (int k = 0; k < 8; ++k) bits_[i * 8 + k] = (cadu_[i] >> (7 - k)) & 1;
  if (conv_) {
    symbols_.resize(bits_.size() * 2 + 16);
    const size_t ns = conv_->encode(bits_.data(), bits_.size(), symbols_.data());
    out.insert(out.end(), symbols_.begin(), symbols_.begin() + static_cast<long>(ns));
  } else {
    out.insert(out.end(), bits_.begin(), bits_.end());
  }
}

void CaduEncoder::finish(std::vector<uint8_t>& out) {
  if (!conv_) return;
  symbols_.resize(64);
  const size_t ns = conv_->terminate(symbols_.data());
  out.insert(out.end(), symbols_.begin(), symbols_.begin() + static_cast<long>(ns));
}

}  // namespace groundlink::framing
