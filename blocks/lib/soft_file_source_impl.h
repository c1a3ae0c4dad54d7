#pragma once

#include <groundlink/soft_file_source.h>

#include <cstdio>
#include <vector>

namespace gr::groundlink {

class soft_file_source_impl : public soft_file_source {
 public:
  soft_file_source_impl(const std::string& path, const std::string& format, float scale);
  ~soft_file_source_impl() override;
  int work(int noutput_items, gr_vector_const_void_star& input_items,
           gr_vector_void_star& output_items) override;
  uint64_t nonfinite_count() const override { return d_nonfinite; }
  uint64_t items_total() const override { return d_total; }

 private:
  enum class fmt { f32, i8, bits };
  std::FILE* d_file = nullptr;
  fmt d_fmt;
  float d_scale;
  uint64_t d_total = 0;    // soft values in the file
  uint64_t d_emitted = 0;
  uint64_t d_nonfinite = 0;
  std::vector<uint8_t> d_buf;
};

}  // namespace gr::groundlink
