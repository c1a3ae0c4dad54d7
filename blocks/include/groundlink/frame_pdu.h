// Transfer frames as GNU Radio PDUs: (metadata dict . u8vector).
#pragma once

#include <groundlink/api.h>
#include <pmt/pmt.h>

#include "framing/frame.h"

namespace gr::groundlink {

/// Metadata keys: quality ("good"/"erred"/"undetermined"), tfvn, scid, vcid, vc_frame_count,
/// continuity (bool), frames_missing, rs_corrected, rs_ok, fecf_ok (when a FECF is present),
/// inverted, asm_errors, symbol_index, sequence, ert_s + ert_ps (UTC seconds, picoseconds).
GROUNDLINK_API pmt::pmt_t frame_to_pdu(const ::groundlink::framing::Frame& f);

/// The quality recorded in a frame PDU's metadata (undetermined when absent).
GROUNDLINK_API ::groundlink::framing::FrameQuality pdu_quality(const pmt::pmt_t& pdu);

}  // namespace gr::groundlink
