#include "framing/transfer_frame.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include "dsp/crc16.h"
#include "dsp/randomizer.h"

namespace groundlink::framing {

namespace {
constexpr size_t kTmHeader = 6;   // CCSDS 132.0-B-3 §4.1.2
constexpr size_t kAosHeader = 6;  // CCSDS 732.0-B-4 §4.1.2 (without FHEC)
}  // namespace

void TransferFrameConfig::validate() const {
  if (format != FrameFormat::tm && format != FrameFormat::aos && format != FrameFormat::unknown)
    throw std::invalid_argument("frame.format must be tm, aos or unknown");
  if (frame_length < 7 || frame_length > 65536)
    throw std::invalid_argument("frame.frame_length must be in 7..65536, got " +
                                std::to_string(frame_length));
  if (format == FrameFormat::tm && frame_length > 2048)
    throw std::invalid_argument("frame.frame_length must be <= 2048 for TM (132.0-B-3 §4.1.1), got " +
                                std::to_string(frame_length));
  if (scid < -1 || scid > 1023)
    throw std::invalid_argument("frame.scid must be -1 (any) or 0..1023, got " + std::to_string(scid));
  if (format == FrameFormat::aos && scid > 255)
    throw std::invalid_argument("frame.scid must be -1 or 0..255 for AOS, got " + std::to_string(scid));
  if (rs) {
    dsp::ReedSolomon probe(*rs);  // validates E, I, virtual fill
    if (probe.info_len() != frame_length)
      throw std::invalid_argument("frame.frame_length must equal the RS info length " +
                                  std::to_string(probe.info_len()) + " (I*(255-2E-virtual_fill)), got " +
                                  std::to_string(frame_length));
  }
  size_t trailer = (fecf ? 2 : 0) + (format == FrameFormat::aos && aos_ocf ? 4 : 0);
  size_t header = format == FrameFormat::aos ? kAosHeader + (aos_fhec ? 2 : 0) + aos_insert_zone
                                             : (format == FrameFormat::tm ? kTmHeader : 0);
  if (header + trailer + (format == FrameFormat::tm ? 4 : 0) >= frame_length)
    throw std::invalid_argument("frame.frame_length " + std::to_string(frame_length) +
                                " leaves no data field after header, OCF and FECF");
}

size_t TransferFrameConfig::block_length() const {
  if (!rs) return frame_length;
  dsp::ReedSolomon probe(*rs);
  return probe.codeblock_len();
}

TransferFrameDecoder::TransferFrameDecoder(const TransferFrameConfig& cfg) : cfg_(cfg) {
  cfg_.validate();
  if (cfg_.rs) rs_ = std::make_unique<dsp::ReedSolomon>(*cfg_.rs);
  block_len_ = rs_ ? rs_->codeblock_len() : cfg_.frame_length;
  work_.resize(block_len_);
  last_count_.reserve(64);
}

TransferFrameDecoder::~TransferFrameDecoder() = default;

void TransferFrameDecoder::reset() {
  last_count_.clear();
  stats_ = {};
}

bool TransferFrameDecoder::decode(const uint8_t* block, size_t n, Frame& f) {
  if (n != block_len_)
    throw std::invalid_argument("TransferFrameDecoder::decode: block of " + std::to_string(n) +
                                " bytes, expected " + std::to_string(block_len_));
  ++stats_.blocks;
  std::memcpy(work_.data(), block, n);
  // CCSDS 131.0-B-4 §10.4: the randomizer covers the whole codeblock (after the ASM), so it is
  // removed before RS decoding.
  if (cfg_.derandomize) dsp::ccsds_randomize(work_.data(), n);
  f.rs_ok = true;
  f.rs_corrected = 0;
  if (rs_) {
    const dsp::RsResult r = rs_->decode(work_.data());
    f.rs_ok = r.ok;
    f.rs_corrected = r.corrected;
    if (r.ok) stats_.rs_corrected += static_cast<uint64_t>(r.corrected);
    else ++stats_.rs_failed;
  }
  const size_t len = cfg_.frame_length;
  f.data.assign(work_.data(), work_.data() + len);
  f.format = cfg_.format;
  f.gvcid = {};
  f.vc_frame_count = 0;
  f.mc_frame_count = 0;
  f.continuity_ok = true;
  f.frames_missing = 0;
  f.ocf_present = false;
  f.ocf = 0;
  f.fecf_present = cfg_.fecf;
  f.fecf_ok = cfg_.fecf ? dsp::fecf_ok(f.data.data(), len) : false;
  if (cfg_.fecf && !f.fecf_ok) ++stats_.fecf_failed;

  bool header_ok = true;
  if (cfg_.format == FrameFormat::tm) header_ok = parse_tm(f);
  else if (cfg_.format == FrameFormat::aos) header_ok = parse_aos(f);
  if (!header_ok) ++stats_.header_invalid;

  const bool checked = rs_ || cfg_.fecf || cfg_.format != FrameFormat::unknown;
  const bool pass = f.rs_ok && (!cfg_.fecf || f.fecf_ok) && header_ok;
  if (!pass) f.quality = FrameQuality::erred;
  else f.quality = checked ? FrameQuality::good : FrameQuality::undetermined;

  // Continuity only from frames that passed: a corrupted header must not break the VC history.
  if (pass && cfg_.format != FrameFormat::unknown) continuity(f);

  switch (f.quality) {
    case FrameQuality::good: ++stats_.good; break;
    case FrameQuality::erred: ++stats_.erred; break;
    default: ++stats_.undetermined; break;
  }
  return f.quality == FrameQuality::good;
}

bool TransferFrameDecoder::parse_tm(Frame& f) const {
  const uint8_t* d = f.data.data();
  const size_t len = f.data.size();
  // CCSDS 132.0-B-3 §4.1.2: TFVN(2) SCID(10) VCID(3) OCF flag(1) | MC count(8) | VC count(8) |
  // data field status: sec hdr(1) sync(1) packet order(1) segment length id(2) FHP(11).
  f.gvcid.tfvn = d[0] >> 6;
  f.gvcid.scid = static_cast<uint16_t>((d[0] & 0x3F) << 4 | d[1] >> 4);
  f.gvcid.vcid = (d[1] >> 1) & 0x07;
  const bool ocf_flag = d[1] & 1;
  f.mc_frame_count = d[2];
  f.vc_frame_count = d[3];
  const bool sync_flag = d[4] & 0x40;
  const bool order_flag = d[4] & 0x20;
  const unsigned seg_id = (d[4] >> 3) & 0x03;
  const unsigned fhp = static_cast<unsigned>((d[4] & 0x07) << 8 | d[5]);
  const size_t trailer = (ocf_flag ? 4 : 0) + (cfg_.fecf ? 2 : 0);
  if (ocf_flag) {
    const uint8_t* o = d + len - trailer;
    f.ocf_present = true;
    f.ocf = static_cast<uint32_t>(o[0]) << 24 | static_cast<uint32_t>(o[1]) << 16 |
            static_cast<uint32_t>(o[2]) << 8 | o[3];
  }
  bool ok = f.gvcid.tfvn == 0;
  if (cfg_.scid >= 0 && f.gvcid.scid != cfg_.scid) ok = false;
  if (!sync_flag) {
    // §4.1.2.7.3-5: packet-synchronous data: packet order flag 0, segment length id '11', and
    // the first header pointer inside the data field, or 0x7FF (no packet start), 0x7FE (idle).
    const size_t data_len = len - kTmHeader - trailer;
    if (order_flag || seg_id != 3) ok = false;
    if (fhp != 0x7FF && fhp != 0x7FE && fhp >= data_len) ok = false;
  }
  return ok;
}

bool TransferFrameDecoder::parse_aos(Frame& f) const {
  const uint8_t* d = f.data.data();
  const size_t len = f.data.size();
  // CCSDS 732.0-B-4 §4.1.2: TFVN(2) SCID(8) VCID(6) | VC frame count(24) | signalling field(8).
  f.gvcid.tfvn = d[0] >> 6;
  f.gvcid.scid = static_cast<uint16_t>((d[0] & 0x3F) << 2 | d[1] >> 6);
  f.gvcid.vcid = d[1] & 0x3F;
  f.vc_frame_count = static_cast<uint32_t>(d[2]) << 16 | static_cast<uint32_t>(d[3]) << 8 | d[4];
  if (cfg_.aos_ocf) {
    const uint8_t* o = d + len - 4 - (cfg_.fecf ? 2 : 0);
    f.ocf_present = true;
    f.ocf = static_cast<uint32_t>(o[0]) << 24 | static_cast<uint32_t>(o[1]) << 16 |
            static_cast<uint32_t>(o[2]) << 8 | o[3];
  }
  bool ok = f.gvcid.tfvn == 1;
  if (cfg_.scid >= 0 && f.gvcid.scid != cfg_.scid) ok = false;
  return ok;
}

void TransferFrameDecoder::continuity(Frame& f) {
  const uint32_t key = static_cast<uint32_t>(f.gvcid.tfvn) << 24 |
                       static_cast<uint32_t>(f.gvcid.scid) << 8 | f.gvcid.vcid;
  // TM VC count is 8 bits (132.0-B-3 §4.1.2.5), AOS 24 bits (732.0-B-4 §4.1.2.4).
  const uint32_t modulus_mask = cfg_.format == FrameFormat::tm ? 0xFFu : 0xFFFFFFu;
  auto it = last_count_.find(key);
  if (it != last_count_.end()) {
    const uint32_t missing = (f.vc_frame_count - it->second - 1) & modulus_mask;
    if (missing != 0) {
      f.continuity_ok = false;
      f.frames_missing = missing;
      ++stats_.gaps;
      stats_.frames_missing += missing;
    }
    it->second = f.vc_frame_count;
  } else {
    last_count_.emplace(key, f.vc_frame_count);
  }
}

}  // namespace groundlink::framing
