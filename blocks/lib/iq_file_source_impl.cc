#include <gnuradio/io_signature.h>
#include <groundlink/iq_file_source.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <sys/stat.h>
#include <vector>

namespace gr::groundlink {

class iq_file_source_impl : public iq_file_source {
 public:
  iq_file_source_impl(const std::string& path, const std::string& format)
      : gr::sync_block("iq_file_source", gr::io_signature::make(0, 0, 0),
                       gr::io_signature::make(1, 1, sizeof(gr_complex))) {
    if (format == "cf32") d_bytes = 8;
    else if (format == "cs16") d_bytes = 4;
    else if (format == "cs8") d_bytes = 2;
    else if (format == "cu8") {
      d_bytes = 2;
      d_unsigned = true;
    } else throw std::invalid_argument("IQ format '" + format + "': allowed cf32, cs16, cs8, cu8");
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      throw std::runtime_error("input file '" + path + "' does not exist or is not a regular file");
    d_file = std::fopen(path.c_str(), "rb");
    if (!d_file) throw std::runtime_error("cannot open '" + path + "': " + std::strerror(errno));
    const uint64_t bytes = static_cast<uint64_t>(st.st_size);
    d_total = bytes / d_bytes;
    d_trailing = bytes % d_bytes;
    if (bytes % d_bytes)
      d_logger->warn("{}: file ends in {} bytes that are not a whole {} sample (truncated recording?); "
                     "they are ignored", path, bytes % d_bytes, format);
    if (d_total == 0) throw std::runtime_error("input file '" + path + "' holds no whole " + format + " sample");
    d_buf.resize(8192 * d_bytes);
  }
  ~iq_file_source_impl() override {
    if (d_file) std::fclose(d_file);
  }
  uint64_t nonfinite_count() const override { return d_nonfinite; }
  uint64_t samples_total() const override { return d_total; }
  uint64_t samples_read() const override { return d_read; }
  uint64_t trailing_bytes() const override { return d_trailing; }

  int work(int noutput_items, gr_vector_const_void_star&, gr_vector_void_star& output_items) override {
    auto* out = static_cast<gr_complex*>(output_items[0]);
    const uint64_t left = d_total - d_read;
    if (left == 0) return WORK_DONE;
    const size_t n = static_cast<size_t>(std::min<uint64_t>({static_cast<uint64_t>(noutput_items), left, 8192}));
    const size_t got = std::fread(d_buf.data(), d_bytes, n, d_file);
    if (got == 0) {
      d_logger->error("input ended after {} of {} samples", d_read.load(), d_total);
      d_total = d_read;
      return WORK_DONE;
    }
    if (d_bytes == 8) {
      const float* f = reinterpret_cast<const float*>(d_buf.data());
      for (size_t i = 0; i < got; ++i) {
        float re = f[2 * i], im = f[2 * i + 1];
        if (!std::isfinite(re) || !std::isfinite(im)) {
          ++d_nonfinite;
          re = im = 0.0f;  // a dropout, not a spike that would throw the loops off
        }
        out[i] = gr_complex(re, im);
      }
    } else if (d_bytes == 4) {
      const int16_t* s = reinterpret_cast<const int16_t*>(d_buf.data());
      for (size_t i = 0; i < got; ++i) out[i] = gr_complex(s[2 * i] / 32768.0f, s[2 * i + 1] / 32768.0f);
    } else if (d_unsigned) {
      // RTL-SDR style offset binary: 0..255 around 127.5.
      const uint8_t* s = d_buf.data();
      for (size_t i = 0; i < got; ++i)
        out[i] = gr_complex((s[2 * i] - 127.5f) / 128.0f, (s[2 * i + 1] - 127.5f) / 128.0f);
    } else {
      const int8_t* s = reinterpret_cast<const int8_t*>(d_buf.data());
      for (size_t i = 0; i < got; ++i) out[i] = gr_complex(s[2 * i] / 128.0f, s[2 * i + 1] / 128.0f);
    }
    d_read += got;
    if (d_read >= d_total) {
      add_item_tag(0, nitems_written(0) + got - 1, pmt::intern(kEndOfStreamTag), pmt::PMT_T);
      if (d_nonfinite)
        d_logger->warn("{} NaN/Inf samples of {} were replaced by zeros", d_nonfinite.load(), d_total);
    }
    return static_cast<int>(got);
  }

 private:
  std::FILE* d_file = nullptr;
  size_t d_bytes = 8;
  bool d_unsigned = false;
  uint64_t d_total = 0, d_trailing = 0;
  std::atomic<uint64_t> d_read{0}, d_nonfinite{0};
  std::vector<uint8_t> d_buf;
};

iq_file_source::sptr iq_file_source::make(const std::string& path, const std::string& format) {
  return gnuradio::make_block_sptr<iq_file_source_impl>(path, format);
}

}  // namespace gr::groundlink
