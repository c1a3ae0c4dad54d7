#include <groundlink/frame_pdu.h>

namespace gr::groundlink {
namespace gf = ::groundlink::framing;

pmt::pmt_t frame_to_pdu(const gf::Frame& f) {
  pmt::pmt_t m = pmt::make_dict();
  auto put = [&m](const char* k, pmt::pmt_t v) { m = pmt::dict_add(m, pmt::intern(k), v); };
  put("quality", pmt::intern(gf::to_string(f.quality)));
  put("tfvn", pmt::from_long(f.gvcid.tfvn));
  put("scid", pmt::from_long(f.gvcid.scid));
  put("vcid", pmt::from_long(f.gvcid.vcid));
  put("vc_frame_count", pmt::from_long(f.vc_frame_count));
  put("continuity", pmt::from_bool(f.continuity_ok));
  put("frames_missing", pmt::from_long(f.frames_missing));
  put("rs_corrected", pmt::from_long(f.rs_corrected));
  put("rs_ok", pmt::from_bool(f.rs_ok));
  if (f.fecf_present) put("fecf_ok", pmt::from_bool(f.fecf_ok));
  put("inverted", pmt::from_bool(f.inverted));
  put("truncated", pmt::from_bool(f.truncated));
  put("asm_errors", pmt::from_long(f.asm_errors));
  put("symbol_index", pmt::from_uint64(f.symbol_index));
  put("sequence", pmt::from_uint64(f.sequence));
  put("ert_s", pmt::from_long(f.ert.seconds));
  put("ert_ps", pmt::from_long(f.ert.picoseconds));
  return pmt::cons(m, pmt::init_u8vector(f.data.size(), f.data.data()));
}

gf::FrameQuality pdu_quality(const pmt::pmt_t& pdu) {
  if (!pmt::is_pair(pdu)) return gf::FrameQuality::undetermined;
  pmt::pmt_t q = pmt::dict_ref(pmt::car(pdu), pmt::intern("quality"), pmt::PMT_NIL);
  if (!pmt::is_symbol(q)) return gf::FrameQuality::undetermined;
  const std::string s = pmt::symbol_to_string(q);
  if (s == "good") return gf::FrameQuality::good;
  if (s == "erred") return gf::FrameQuality::erred;
  return gf::FrameQuality::undetermined;
}

}  // namespace gr::groundlink
