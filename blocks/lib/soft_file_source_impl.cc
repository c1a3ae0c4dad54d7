#include "soft_file_source_impl.h"

#include <gnuradio/io_signature.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <sys/stat.h>

#include "dsp/soft.h"

namespace gr::groundlink {

soft_file_source::sptr soft_file_source::make(const std::string& path, const std::string& format,
                                              float scale) {
  return gnuradio::make_block_sptr<soft_file_source_impl>(path, format, scale);
}

soft_file_source_impl::soft_file_source_impl(const std::string& path, const std::string& format,
                                             float scale)
    : gr::sync_block("soft_file_source", gr::io_signature::make(0, 0, 0),
                     gr::io_signature::make(1, 1, sizeof(int8_t))),
      d_scale(scale) {
  if (format == "softf32") d_fmt = fmt::f32;
  else if (format == "softi8") d_fmt = fmt::i8;
  else if (format == "bits") d_fmt = fmt::bits;
  else throw std::invalid_argument("format '" + format + "': allowed softf32, softi8, bits");
  if (d_fmt == fmt::f32 && !(scale >= 0.0f && std::isfinite(scale)))
    throw std::invalid_argument("scale must be >= 0 (0 = derive from the file)");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    throw std::runtime_error("input file '" + path + "' does not exist or is not a regular file");
  d_file = std::fopen(path.c_str(), "rb");
  if (!d_file) throw std::runtime_error("cannot open input file '" + path + "': " + std::strerror(errno));
  const uint64_t bytes = static_cast<uint64_t>(st.st_size);
  switch (d_fmt) {
    case fmt::f32:
      d_total = bytes / 4;
      if (bytes % 4)
        d_logger->warn("{}: {} trailing bytes are not a whole float32 sample and are ignored", path,
                       bytes % 4);
      break;
    case fmt::i8: d_total = bytes; break;
    case fmt::bits: d_total = bytes * 8; break;
  }
  if (d_total == 0) throw std::runtime_error("input file '" + path + "' holds no samples");
  if (d_fmt == fmt::f32 && d_scale == 0.0f) {
    // Scale so the mean |soft| of the first 64k samples maps to ~half scale: leaves headroom for
    // the confident tail while keeping resolution for the weak symbols the decoder cares about.
    std::vector<float> probe(std::min<uint64_t>(d_total, 65536));
    size_t got = std::fread(probe.data(), 4, probe.size(), d_file);
    double sum = 0;
    size_t n = 0;
    for (size_t i = 0; i < got; ++i)
      if (std::isfinite(probe[i])) { sum += std::fabs(probe[i]); ++n; }
    const double mean = n ? sum / n : 1.0;
    d_scale = mean > 0 ? static_cast<float>(64.0 / mean) : 1.0f;
    std::fseek(d_file, 0, SEEK_SET);
  }
  d_buf.resize(65536 * 4);
  if (d_fmt == fmt::bits) set_output_multiple(8);  // one packed byte = 8 soft values
}

soft_file_source_impl::~soft_file_source_impl() {
  if (d_file) std::fclose(d_file);
}

int soft_file_source_impl::work(int noutput_items, gr_vector_const_void_star&,
                                gr_vector_void_star& output_items) {
  auto* out = static_cast<int8_t*>(output_items[0]);
  if (d_emitted >= d_total) return WORK_DONE;
  uint64_t n = std::min<uint64_t>(noutput_items, d_total - d_emitted);
  if (d_fmt == fmt::bits) n -= n % 8;  // whole bytes (noutput_items is a multiple of 8)
  n = std::min<uint64_t>(n, d_fmt == fmt::f32 ? d_buf.size() / 4 : d_buf.size());
  size_t got = 0;
  switch (d_fmt) {
    case fmt::f32: {
      got = std::fread(d_buf.data(), 4, n, d_file);
      const float* f = reinterpret_cast<const float*>(d_buf.data());
      for (size_t i = 0; i < got; ++i) {
        float v = f[i];
        if (!std::isfinite(v)) {
          ++d_nonfinite;
          out[i] = 0;  // erasure: the decoder gets no information, not a wrong one
          continue;
        }
        v *= d_scale;
        v = std::max(-127.0f, std::min(127.0f, v));
        out[i] = static_cast<int8_t>(std::lrintf(v));
      }
      break;
    }
    case fmt::i8: {
      got = std::fread(out, 1, n, d_file);
      for (size_t i = 0; i < got; ++i)
        if (out[i] == -128) out[i] = -127;
      break;
    }
    case fmt::bits: {
      size_t nbytes = std::fread(d_buf.data(), 1, n / 8, d_file);
      for (size_t b = 0; b < nbytes; ++b)
        for (int k = 0; k < 8; ++k)
          out[b * 8 + k] = ::groundlink::dsp::soft_from_bit((d_buf[b] >> (7 - k)) & 1);
      got = nbytes * 8;
      break;
    }
  }
  if (got == 0) {
    d_logger->error("input ended after {} of {} samples (file shrank while reading?)", d_emitted, d_total);
    d_total = d_emitted;
    return WORK_DONE;
  }
  d_emitted += got;
  if (d_emitted >= d_total) {
    add_item_tag(0, nitems_written(0) + got - 1, pmt::intern(kEndOfStreamTag), pmt::PMT_T);
    if (d_nonfinite)
      d_logger->warn("{} NaN/Inf samples of {} were replaced by erasures", d_nonfinite, d_total);
  }
  return static_cast<int>(got);
}

}  // namespace gr::groundlink
